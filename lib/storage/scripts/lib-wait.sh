# shellcheck shell=sh
# Sourced by the setup scripts, shipped beside them in their ConfigMap (never run on its own).
# wait_for WHAT COMMAND [ARG...] runs COMMAND (its stdout discarded) until it succeeds, at most
# $WAIT_ATTEMPTS times (default 60), $WAIT_INTERVAL seconds apart (default 5), then gives up
# with exit 1 naming WHAT. WHAT is printed, so it must hold no secret.
wait_for() {
  wait_what=$1
  shift
  wait_attempt=0
  until "$@" >/dev/null; do
    wait_attempt=$((wait_attempt + 1))
    if [ "$wait_attempt" -ge "${WAIT_ATTEMPTS:-60}" ]; then
      echo "$wait_what not ready after $wait_attempt attempts" >&2
      exit 1
    fi
    echo "waiting for $wait_what ($wait_attempt)"
    sleep "${WAIT_INTERVAL:-5}"
  done
}
