#!/bin/bash
# Runs once, on an empty data directory (docker-entrypoint-initdb.d): creates the application role
# and its database. The password is read from the environment with \getenv, so it is never in a
# manifest, an argument or the psql history.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<'EOSQL'
\getenv app_user APP_USER
\getenv app_db APP_DATABASE
\getenv app_password APP_PASSWORD
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
EOSQL
