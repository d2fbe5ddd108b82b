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
mc alias set dst "$DST_ENDPOINT" "$DST_ACCESS_KEY_ID" "$DST_SECRET_ACCESS_KEY" --api S3v4 >/dev/null
mc cp /work/*.dump "$DEST/"
mc find "$DEST/" --name '*.dump' --older-than "${RETENTION_DAYS}d" --exec 'mc rm {}'
