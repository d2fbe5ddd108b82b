#!/bin/sh
# Uploads the dumps in /work to DEST on the DST alias, then deletes dumps there older than
# RETENTION_DAYS. mc find exits 0 when nothing is old enough (mc rm --older-than would fail every
# run of the first week), while a real error (auth, network) still fails the Job.
#   DST_ENDPOINT, DST_ACCESS_KEY_ID, DST_SECRET_ACCESS_KEY  the destination store (keys from a Secret)
#   DEST            dst/<bucket>[/<prefix>]/<database>
#   RETENTION_DAYS  days to keep
set -eu
: "${DEST:?DEST is not set}"
: "${RETENTION_DAYS:?RETENTION_DAYS is not set}"
# mc reads the alias from MC_HOST_dst (scheme://$key:$secret@host), so no key is an argument. mc
# splits it at the first ":" and the last "@" without decoding, so no key may hold ":".
case "$DST_ENDPOINT" in http://* | https://*) ;; *) echo "DST_ENDPOINT must be an http(s) URL" >&2; exit 1 ;; esac
case "$DST_ACCESS_KEY_ID$DST_SECRET_ACCESS_KEY" in *:*) echo "the DST keys must not contain \":\" (mc's MC_HOST_dst cannot carry it)" >&2; exit 1 ;; esac
MC_HOST_dst="${DST_ENDPOINT%%://*}://$DST_ACCESS_KEY_ID:$DST_SECRET_ACCESS_KEY@${DST_ENDPOINT#*://}"
export MC_HOST_dst
mc cp /work/*.dump "$DEST/"
mc find "$DEST/" --name '*.dump' --older-than "${RETENTION_DAYS}d" --exec 'mc rm {}'
