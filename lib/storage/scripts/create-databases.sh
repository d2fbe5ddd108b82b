#!/bin/sh
# Creates each database of $DATABASES ("name:owner name:owner") on the server libpq reaches
# through PGHOST/PGPORT/PGUSER/PGDATABASE, reading the password from PGPASSWORD (never an
# argument). Idempotent: a database that exists is left as it is. Waits at most
# $WAIT_ATTEMPTS x 5 s for the server. Names are SQL identifiers, checked at synth.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib-wait.sh
. "$(dirname "$0")/lib-wait.sh"

wait_for "database server $PGHOST:$PGPORT" pg_isready -q

exists() {
  [ "$(psql -v ON_ERROR_STOP=1 -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = "1" ]
}

for entry in $DATABASES; do
  db=${entry%%:*}
  owner=${entry#*:}
  if exists "$db"; then
    echo "database $db exists"
    continue
  fi
  # Another run may create it between the check and here: then the check succeeds on retry.
  if psql -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$db\" OWNER \"$owner\""; then
    psql -v ON_ERROR_STOP=1 -qc "REVOKE ALL ON DATABASE \"$db\" FROM PUBLIC"
    echo "database $db created, owned by $owner"
  elif exists "$db"; then
    echo "database $db exists"
  else
    echo "could not create database $db" >&2
    exit 1
  fi
done
