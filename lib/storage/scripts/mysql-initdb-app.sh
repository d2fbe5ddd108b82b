#!/bin/bash
# Sourced by the official mysql image's entrypoint (docker-entrypoint-initdb.d, not executable)
# once, on an empty data directory, while its temporary server listens on the socket only.
# Creates the application database and a user with rights on that database alone. The names and
# the password come from the environment (secret references in the manifest); the SQL reaches the
# server on stdin through the entrypoint's docker_process_sql, never in an argument.
# shellcheck shell=bash

# A value as the body of a single-quoted SQL string literal: backslash and quote escaped.
mysql_app_quote() {
	local v=${1//\\/\\\\}
	printf '%s' "${v//\'/\\\'}"
}

mysql_app_database() {
	: "${APP_DATABASE:?APP_DATABASE is not set}" "${APP_USER:?APP_USER is not set}" "${APP_PASSWORD:?APP_PASSWORD is not set}"
	# Names are checked at synth time (lower-case SQL identifiers); only the password needs quoting.
	# The password is in the text of CREATE USER: as in mysql-create-database.sh, this session
	# writes nothing to the general log (sql_log_off) or the slow log (long_query_time at its
	# maximum), whatever the server's configuration (the entrypoint runs this as root).
	docker_process_sql --database=mysql <<EOSQL
SET SESSION sql_log_off = ON;
SET SESSION long_query_time = 31536000;
CREATE DATABASE IF NOT EXISTS \`${APP_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE USER IF NOT EXISTS '${APP_USER}'@'%' IDENTIFIED BY '$(mysql_app_quote "$APP_PASSWORD")';
GRANT ALL PRIVILEGES ON \`${APP_DATABASE}\`.* TO '${APP_USER}'@'%';
FLUSH PRIVILEGES;
EOSQL
}

mysql_app_database
