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
# argument or the psql history. The statements that carry it (CREATE/ALTER ROLE ... PASSWORD) are
# sent as text, so every setting that can write a statement's text to the server log is turned
# off for this session first (postgres/postgres, REL_15_STABLE src/backend/utils/misc/guc.c and
# REL_16_STABLE src/backend/utils/misc/guc_tables.c for the contexts; src/backend/tcop/postgres.c
# for where each one logs the text):
#   log_statement (check_log_statement), log_min_duration_statement and log_min_duration_sample
#   (check_log_duration: "duration: ... statement: <text>"), log_transaction_sample_rate (a sampled
#   transaction logs every statement through check_log_duration), log_min_error_statement
#   (a failing statement's text as STATEMENT:) are PGC_SUSET: the superuser this runs as may set
#   them, and anyone else fails here, before the password is sent (ON_ERROR_STOP);
#   debug_print_parse/_rewritten/_plan (the parse tree holds the literal) are PGC_USERSET.
# What the server's configuration sets for every session is overridden; a server-side extension
# that logs statements by itself (pgaudit, auto_explain does not see utility statements) is not.
set -eu
psql -v ON_ERROR_STOP=1 --username "${PGUSER:-$POSTGRES_USER}" --dbname postgres --no-psqlrc --quiet <<'EOSQL'
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_duration_sample = -1;
SET log_transaction_sample_rate = 0;
SET log_min_error_statement = 'panic';
SET debug_print_parse = off;
SET debug_print_rewritten = off;
SET debug_print_plan = off;
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
