#!/bin/bash
# mysqldump of one database as the application user, gzip-compressed into DUMP_DIR. The password
# comes from MYSQL_BACKUP_PASSWORD (a secret reference) and reaches mysqldump through an option
# file on a memory volume, never through an argument. With RETENTION_MINUTES set (a volume
# destination), dumps older than that are deleted afterwards.
set -euo pipefail

: "${DB_HOST:?}" "${DB_PORT:?}" "${DB_NAME:?}" "${DB_USER:?}" "${MYSQL_BACKUP_PASSWORD:?}" "${DUMP_DIR:?}" "${OPTION_FILE:?}"

umask 077
# Option-file values may be double-quoted; backslash and double quote are escaped inside.
pw=${MYSQL_BACKUP_PASSWORD//\\/\\\\}
pw=${pw//\"/\\\"}
printf '[client]\nuser="%s"\npassword="%s"\n' "$DB_USER" "$pw" >"$OPTION_FILE"
unset pw

mkdir -p "$DUMP_DIR"
file="$DUMP_DIR/$DB_NAME-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"
# --single-transaction: a consistent InnoDB snapshot without locking MLflow out.
# --no-tablespaces: the application user has no PROCESS privilege (and needs none).
if ! mysqldump --defaults-extra-file="$OPTION_FILE" --host="$DB_HOST" --port="$DB_PORT" --protocol=TCP \
	--single-transaction --no-tablespaces --routines --triggers --events --set-gtid-purged=OFF \
	"$DB_NAME" | gzip -c >"$file.partial"; then
	rm -f "$file.partial"
	echo "mysqldump of $DB_NAME failed" >&2
	exit 1
fi
mv "$file.partial" "$file"
echo "wrote $file"

if [ -n "${RETENTION_MINUTES:-}" ]; then
	find "$DUMP_DIR" -name '*.sql.gz' -mmin "+$RETENTION_MINUTES" -print -delete
fi
