#!/bin/sh
# Creates the MySQL database $DB_NAME and the user $DB_USER@'%' who owns it, idempotently: safe
# to run on every sync. A second run changes nothing but the user's password (set again from
# DB_PASSWORD, so rotating the secret and re-running the Job rotates it in MySQL).
#
# Environment (names only on the command line, never a password):
#   DB_HOST, DB_PORT         the server
#   DB_NAME, DB_USER         identifiers, checked at synth ([a-z_][a-z0-9_]*)
#   ADMIN_USER               an account that may create databases and users
#   MYSQL_PWD                its password; the mysql client reads this variable itself
#   DB_PASSWORD              the new user's password; reaches MySQL on stdin, inside the SQL
#   WAIT_ATTEMPTS, WAIT_INTERVAL   how long to wait for the server (default 60 x 5 s)
set -eu
# shellcheck source-path=SCRIPTDIR source=lib-wait.sh
. "$(dirname "$0")/lib-wait.sh"

: "${DB_HOST:?}" "${DB_PORT:?}" "${DB_NAME:?}" "${DB_USER:?}" "${ADMIN_USER:?}" "${DB_PASSWORD:?}"
case "$DB_NAME$DB_USER" in
  *[!a-z0-9_]*) echo "DB_NAME and DB_USER must be SQL identifiers ([a-z0-9_])" >&2; exit 2 ;;
esac

run_mysql() {
  mysql --protocol=TCP --host="$DB_HOST" --port="$DB_PORT" --user="$ADMIN_USER" --batch --skip-column-names "$@"
}

mysql_ready() {
  run_mysql --connect-timeout=5 -e 'SELECT 1'
}
wait_for "MySQL $ADMIN_USER@$DB_HOST:$DB_PORT" mysql_ready

# The password as the body of a SQL string literal: \ and ' escaped (printf is a shell builtin,
# so the value is never a process argument). Backslash escapes are switched on for the session
# below, whatever the server's sql_mode.
password_literal=$(printf '%s' "$DB_PASSWORD" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")

# The password is in the text of CREATE USER and ALTER USER: this session writes nothing to the
# general log (sql_log_off) and nothing to the slow log (long_query_time at its maximum,
# LONG_TIMEOUT = one year), whatever the server's configuration; both are session variables
# (sql/sys_vars.cc, Sys_log_off and Sys_long_query_time, in mysql/mysql-server and MariaDB/server).
# MySQL 8 also rewrites the password out of both logs (mysql/mysql-server, sql/sql_rewrite.cc
# mysql_rewrite_query; sql/log.cc log_slow_do writes the rewritten query); MariaDB 10.11 logs the
# statement as sent (seen on a real 10.11: test/storage/real-mariadb.test.ts). Setting sql_log_off
# takes a privilege beyond CREATE USER (SUPER on MariaDB 10.11, checked on a real server; root has
# it): an admin without it fails here, before any password is sent.
run_mysql <<SQL
SET SESSION sql_log_off = ON;
SET SESSION long_query_time = 31536000;
SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$password_literal';
ALTER USER '$DB_USER'@'%' IDENTIFIED BY '$password_literal';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'%';
SQL
echo "database $DB_NAME and user $DB_USER are in place on $DB_HOST:$DB_PORT"
