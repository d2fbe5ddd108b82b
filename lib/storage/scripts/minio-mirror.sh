#!/bin/sh
# Mirrors each bucket of BUCKETS from the SRC alias to DEST_ROOT/<bucket>: a bucket of the DST
# alias (when DST_ENDPOINT is set) or a directory of the backup volume.
#   SRC_*, DST_*     the stores (keys from Secrets)
#   BUCKETS          space-separated bucket names
#   DEST_ROOT        dst/<bucket>[/<prefix>] or /backup[/<prefix>]
#   MIRROR_REMOVE    "true": also delete from the copy what was deleted from the source
set -eu
: "${DEST_ROOT:?DEST_ROOT is not set}"
mc alias set src "$SRC_ENDPOINT" "$SRC_ACCESS_KEY_ID" "$SRC_SECRET_ACCESS_KEY" --api S3v4 >/dev/null
if [ -n "${DST_ENDPOINT:-}" ]; then
  mc alias set dst "$DST_ENDPOINT" "$DST_ACCESS_KEY_ID" "$DST_SECRET_ACCESS_KEY" --api S3v4 >/dev/null
fi
remove=''
if [ "${MIRROR_REMOVE:-false}" = true ]; then remove='--remove'; fi
for bucket in ${BUCKETS:-}; do
  # shellcheck disable=SC2086 # $remove is one flag or nothing
  mc mirror --overwrite $remove "src/$bucket" "$DEST_ROOT/$bucket"
done
