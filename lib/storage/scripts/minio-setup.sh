#!/bin/sh
# Sets MinIO up idempotently (safe on every sync): waits, bounded, for the store; creates each
# bucket of BUCKETS; then for each user of USERS (space-separated "policy:ACCESS_VAR:SECRET_VAR",
# the names of the variables holding that user's keys) writes its policy from
# /policies/<policy>.json, creates the user (its secret key on stdin, never an argument) and
# attaches the policy.
#   SRC_ENDPOINT, SRC_ACCESS_KEY_ID, SRC_SECRET_ACCESS_KEY  the store's root keys (from a Secret)
#   WAIT_ATTEMPTS, WAIT_SECONDS                            the wait: 60 tries, 5 s apart
set -eu
# mc reads the alias from MC_HOST_src (scheme://$key:$secret@host), so no key is an argument. mc
# splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
case "$SRC_ENDPOINT" in http://* | https://*) ;; *) echo "SRC_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
case "$SRC_ACCESS_KEY_ID$SRC_SECRET_ACCESS_KEY" in *:*) echo "the SRC keys must not contain \":\" (mc's MC_HOST_src cannot carry it)" >&2; exit 1 ;; esac
MC_HOST_src="${SRC_ENDPOINT%%://*}://$SRC_ACCESS_KEY_ID:$SRC_SECRET_ACCESS_KEY@${SRC_ENDPOINT#*://}"
export MC_HOST_src
attempts="${WAIT_ATTEMPTS:-60}"
i=1
until mc ls src >/dev/null 2>&1; do
  if [ "$i" -ge "$attempts" ]; then
    echo "object store not reachable after $attempts attempts" >&2
    exit 1
  fi
  echo "waiting for object store ($i/$attempts)"
  i=$((i + 1))
  sleep "${WAIT_SECONDS:-5}"
done
for bucket in ${BUCKETS:-}; do
  mc mb --ignore-existing "src/$bucket"
done
for user in ${USERS:-}; do
  policy="${user%%:*}"
  vars="${user#*:}"
  access_var="${vars%%:*}"
  secret_var="${vars#*:}"
  access_key='' secret_key=''
  # The variable names come from the construct (upper-case letters, digits, "_"), never from input.
  eval "access_key=\"\${$access_var}\" secret_key=\"\${$secret_var}\""
  mc admin policy create src "$policy" "/policies/$policy.json"
  # With the access key alone as argument, mc reads the secret key from stdin (printf is a shell builtin).
  printf '%s\n' "$secret_key" | mc admin user add src "$access_key"
  # attach fails when the policy is already attached: accept that case only.
  mc admin policy attach src "$policy" --user "$access_key" || mc admin user info src "$access_key" | grep -q "$policy"
done
