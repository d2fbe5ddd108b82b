#!/bin/sh
# Post-sync smoke test of the EOEPCA MLOps building block (what the guide's validation.sh and its
# curl example check), through the public URL, so the Ingress, TLS and the /mlflow rewrite count:
#   GET <BASE_URL>/api/stac/collections (Accept: application/json) -> 200, JSON with "collections"
#   GET <BASE_URL><MLFLOW_PATH>/health -> 200, "OK" (MLFLOW_PATH defaults to /mlflow)
# Each check is retried ATTEMPTS times, RETRY_SECONDS apart, each try waiting at most
# TIMEOUT_SECONDS (certificates and pods take time), then the script exits 1 naming what it saw.
set -eu
: "${BASE_URL:?BASE_URL is required, such as https://sharinghub.example.com}"
MLFLOW_PATH="${MLFLOW_PATH:-/mlflow}"
ATTEMPTS="${ATTEMPTS:-30}"
RETRY_SECONDS="${RETRY_SECONDS:-10}"
TIMEOUT_SECONDS="${TIMEOUT_SECONDS:-10}"
work="${TMPDIR:-/tmp}"
body="$work/smoke-body"
errors="$work/smoke-errors"

# check <name> <path> <accept> <content type it must contain, or ""> <text the body must contain>
check() {
  name=$1
  path=$2
  accept=$3
  want_type=$4
  want_text=$5
  i=1
  while :; do
    : >"$body"
    out=$(curl -sS -o "$body" -w '%{http_code} %{content_type}' -H "Accept: $accept" --max-time "$TIMEOUT_SECONDS" "$BASE_URL$path" 2>"$errors") || true
    code=${out%% *}
    ctype=${out#"$code"}
    ctype=${ctype# }
    [ -n "$code" ] || code=000
    type_ok=false
    case "$ctype" in *"$want_type"*) type_ok=true ;; esac
    if [ "$code" = 200 ] && [ "$type_ok" = true ] && grep -q -- "$want_text" "$body"; then
      echo "ok: $name ($path): HTTP $code${ctype:+, $ctype}"
      return 0
    fi
    if [ "$i" -ge "$ATTEMPTS" ]; then
      echo "FAIL: $name ($path): got HTTP $code${ctype:+, $ctype}$( [ -s "$errors" ] && printf ' (%s)' "$(head -c 200 "$errors")" ) after $i attempts; want HTTP 200${want_type:+, $want_type} and a body containing $want_text" >&2
      return 1
    fi
    echo "waiting: $name ($path): HTTP $code ($i/$ATTEMPTS)"
    i=$((i + 1))
    sleep "$RETRY_SECONDS"
  done
}

check "SharingHub STAC API" /api/stac/collections application/json application/json '"collections"'
check "MLflow health" "$MLFLOW_PATH/health" '*/*' '' OK
echo "smoke test passed: $BASE_URL"
