#!/bin/sh
# pg_dump of one database into DUMP_DIR. The connection comes from libpq's PG* variables
# (PGPASSWORD from a Secret), never from an argument. With RETENTION_DAYS set, dumps older than
# that many days are deleted from DUMP_DIR (-mmin: -mtime +N would keep N+1 days).
#   DUMP_DIR        where the dump is written
#   RETENTION_DAYS  optional: prune older dumps in DUMP_DIR
set -eu
: "${DUMP_DIR:?DUMP_DIR is not set}"
: "${PGDATABASE:?PGDATABASE is not set}"
mkdir -p "$DUMP_DIR"
file="$DUMP_DIR/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file="$file"
echo "wrote $file"
if [ -n "${RETENTION_DAYS:-}" ]; then
  find "$DUMP_DIR" -name '*.dump' -mmin +"$((RETENTION_DAYS * 1440))" -delete
fi
