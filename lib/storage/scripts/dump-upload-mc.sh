#!/bin/sh
# Uploads the dumps in /work to the mc alias "dst" (from DST_* variables) under DEST and deletes
# dumps there older than RETENTION_DAYS. `mc find` exits 0 when nothing is old enough, while an
# auth or network error still fails the Job.
set -eu
: "${DEST:?}" "${PATTERN:?}" "${RETENTION_DAYS:?}"
# mc reads the alias from MC_HOST_dst (scheme://$key:$secret@host), so no key is an argument. mc
# splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
case "$DST_ENDPOINT" in http://* | https://*) ;; *) echo "DST_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
case "$DST_ACCESS_KEY_ID$DST_SECRET_ACCESS_KEY" in *:*) echo "the DST keys must not contain \":\" (mc's MC_HOST_dst cannot carry it)" >&2; exit 1 ;; esac
MC_HOST_dst="${DST_ENDPOINT%%://*}://$DST_ACCESS_KEY_ID:$DST_SECRET_ACCESS_KEY@${DST_ENDPOINT#*://}"
export MC_HOST_dst
# shellcheck disable=SC2086 # PATTERN is a glob on purpose
mc cp /work/$PATTERN "$DEST/"
mc find "$DEST/" --name "$PATTERN" --older-than "${RETENTION_DAYS}d" --exec 'mc rm {}'
