#!/bin/sh
# The Postgres construct's app-setup Job, on every sync: waits (bounded) for the server, then runs
# the StatefulSet's own init script (shipped beside this file) against it over TCP, as the
# superuser whose password libpq reads from PGPASSWORD, so the application role's password follows
# its Secret. Waits at most $WAIT_ATTEMPTS x $WAIT_INTERVAL s (default 60 x 5 s).
set -eu
# shellcheck source-path=SCRIPTDIR source=lib-wait.sh
. "$(dirname "$0")/lib-wait.sh"

wait_for "database server $PGHOST:$PGPORT" pg_isready -q
/bin/sh "$(dirname "$0")/initdb-app-database.sh"
echo "role $APP_USER and database $APP_DATABASE are in place on $PGHOST:$PGPORT"
