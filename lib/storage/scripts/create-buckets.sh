#!/bin/sh
# Creates each bucket of $BUCKETS (space-separated) on the S3 endpoint $S3_ENDPOINT with the keys
# in S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (environment only, handed to mc as MC_HOST_s3). Idempotent (`mc mb
# --ignore-existing`). Waits at most $WAIT_ATTEMPTS x 5 s for the endpoint. S3_INSECURE=true
# skips certificate checks.
set -eu
# mc reads the alias from MC_HOST_s3 (scheme://$key:$secret@host), so no key is an argument. mc
# splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
case "$S3_ENDPOINT" in http://* | https://*) ;; *) echo "S3_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
case "$S3_ACCESS_KEY_ID$S3_SECRET_ACCESS_KEY" in *:*) echo "the S3 keys must not contain \":\" (mc's MC_HOST_s3 cannot carry it)" >&2; exit 1 ;; esac
MC_HOST_s3="${S3_ENDPOINT%%://*}://$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY@${S3_ENDPOINT#*://}"
export MC_HOST_s3

insecure=""
if [ "${S3_INSECURE:-false}" = "true" ]; then insecure="--insecure"; fi

attempt=0
# shellcheck disable=SC2086 # $insecure is one flag or nothing
until mc $insecure ls s3 >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "${WAIT_ATTEMPTS:-60}" ]; then
    echo "object store $S3_ENDPOINT not reachable after $attempt attempts" >&2
    exit 1
  fi
  echo "waiting for object store $S3_ENDPOINT ($attempt)"
  sleep "${WAIT_INTERVAL:-5}"
done

for bucket in $BUCKETS; do
  # shellcheck disable=SC2086
  mc $insecure mb --ignore-existing "s3/$bucket"
done
