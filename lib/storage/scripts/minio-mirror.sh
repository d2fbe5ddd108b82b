#!/bin/sh
# Mirrors each bucket of BUCKETS from the SRC alias to DEST_ROOT/<bucket>: a bucket of the DST
# alias (when DST_ENDPOINT is set) or a directory of the backup volume.
#   SRC_*, DST_*     the stores (keys from Secrets)
#   BUCKETS          space-separated bucket names
#   DEST_ROOT        dst/<bucket>[/<prefix>] or /backup[/<prefix>]
#   MIRROR_REMOVE    "true": also delete from the copy what was deleted from the source
set -eu
: "${DEST_ROOT:?DEST_ROOT is not set}"
# mc reads the alias from MC_HOST_src (scheme://$key:$secret@host), so no key is an argument. mc
# splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
case "$SRC_ENDPOINT" in http://* | https://*) ;; *) echo "SRC_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
case "$SRC_ACCESS_KEY_ID$SRC_SECRET_ACCESS_KEY" in *:*) echo "the SRC keys must not contain \":\" (mc's MC_HOST_src cannot carry it)" >&2; exit 1 ;; esac
MC_HOST_src="${SRC_ENDPOINT%%://*}://$SRC_ACCESS_KEY_ID:$SRC_SECRET_ACCESS_KEY@${SRC_ENDPOINT#*://}"
export MC_HOST_src
if [ -n "${DST_ENDPOINT:-}" ]; then
  # mc reads the alias from MC_HOST_dst (scheme://$key:$secret@host), so no key is an argument. mc
  # splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
  case "$DST_ENDPOINT" in http://* | https://*) ;; *) echo "DST_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
  case "$DST_ACCESS_KEY_ID$DST_SECRET_ACCESS_KEY" in *:*) echo "the DST keys must not contain \":\" (mc's MC_HOST_dst cannot carry it)" >&2; exit 1 ;; esac
  MC_HOST_dst="${DST_ENDPOINT%%://*}://$DST_ACCESS_KEY_ID:$DST_SECRET_ACCESS_KEY@${DST_ENDPOINT#*://}"
  export MC_HOST_dst
fi
remove=''
if [ "${MIRROR_REMOVE:-false}" = true ]; then remove='--remove'; fi
for bucket in ${BUCKETS:-}; do
  # shellcheck disable=SC2086 # $remove is one flag or nothing
  mc mirror --overwrite $remove "src/$bucket" "$DEST_ROOT/$bucket"
done
