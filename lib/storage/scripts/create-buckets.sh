#!/bin/sh
# Creates each bucket of $BUCKETS (space-separated) on the S3 endpoint $S3_ENDPOINT with the keys
# in S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (environment only, handed to mc as MC_HOST_s3). Idempotent (`mc mb
# --ignore-existing`). Waits at most $WAIT_ATTEMPTS x 5 s for the endpoint. S3_INSECURE=true
# skips certificate checks.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib-wait.sh
. "$(dirname "$0")/lib-wait.sh"
# mc reads the alias from MC_HOST_s3 (scheme://$key:$secret@host), so no key is an argument. mc
# splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
case "$S3_ENDPOINT" in http://* | https://*) ;; *) echo "S3_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
case "$S3_ACCESS_KEY_ID$S3_SECRET_ACCESS_KEY" in *:*) echo "the S3 keys must not contain \":\" (mc's MC_HOST_s3 cannot carry it)" >&2; exit 1 ;; esac
MC_HOST_s3="${S3_ENDPOINT%%://*}://$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY@${S3_ENDPOINT#*://}"
export MC_HOST_s3

insecure=""
if [ "${S3_INSECURE:-false}" = "true" ]; then insecure="--insecure"; fi

# mc's errors are not shown: they may quote the alias.
s3_ready() {
  # shellcheck disable=SC2086 # $insecure is one flag or nothing
  mc $insecure ls s3 2>/dev/null
}
wait_for "object store $S3_ENDPOINT" s3_ready

for bucket in $BUCKETS; do
  # shellcheck disable=SC2086
  mc $insecure mb --ignore-existing "s3/$bucket"
done
