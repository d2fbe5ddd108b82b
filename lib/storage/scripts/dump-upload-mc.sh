#!/bin/sh
# Uploads the dumps in /work to the mc alias "dst" (from DST_* variables) under DEST and deletes
# dumps there older than RETENTION_DAYS. `mc find` exits 0 when nothing is old enough, while an
# auth or network error still fails the Job.
set -eu
: "${DEST:?}" "${PATTERN:?}" "${RETENTION_DAYS:?}"
mc alias set dst "$DST_ENDPOINT" "$DST_ACCESS_KEY_ID" "$DST_SECRET_ACCESS_KEY" --api S3v4 >/dev/null
# shellcheck disable=SC2086 # PATTERN is a glob on purpose
mc cp /work/$PATTERN "$DEST/"
mc find "$DEST/" --name "$PATTERN" --older-than "${RETENTION_DAYS}d" --exec 'mc rm {}'
