#!/bin/sh
# Makes the application role and its database match the environment, on every run:
#   - run by the postgres image's entrypoint once, on an empty data directory
#     (docker-entrypoint-initdb.d; the executable bit makes it run, not sourced), against its
#     socket-only temporary server as POSTGRES_USER;
#   - run again on every sync by the Postgres construct's app-setup Job (postgres-app-setup.sh),
#     over TCP as the superuser (PGHOST, PGPORT, PGUSER, PGPASSWORD), so a rotated APP_PASSWORD
#     reaches the server: the image never runs this directory on a non-empty data directory.
# The role is created, or else altered to LOGIN with the current password; the database is
# created when missing (an existing one, and its data, is left as it is); PUBLIC never connects.
# The password is read from the environment with \getenv, so it is never in a manifest, an
# argument or the psql history, and statement logging is off for this session, so the server log
# never shows it either, even when a statement fails (log_statement and log_min_error_statement are
# PGC_SUSET, settable by the superuser this runs as: postgres/postgres, REL_16_STABLE,
# src/backend/utils/misc/guc_tables.c).
set -eu
psql -v ON_ERROR_STOP=1 --username "${PGUSER:-$POSTGRES_USER}" --dbname postgres --no-psqlrc --quiet <<'EOSQL'
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
\getenv app_user APP_USER
\getenv app_db APP_DATABASE
\getenv app_password APP_PASSWORD
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') AS role_missing \gset
\if :role_missing
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
\else
ALTER ROLE :"app_user" WITH LOGIN PASSWORD :'app_password';
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'app_db') AS db_missing \gset
\if :db_missing
CREATE DATABASE :"app_db" OWNER :"app_user";
\endif
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
EOSQL
