#!/bin/sh
# Prints an access token from the OAuth client-credentials grant, for programs that call MLflow
# (CI jobs, notebooks): export MLFLOW_TRACKING_TOKEN="$(sh mlflow-token.sh)".
# Reads MLFLOW_KEYCLOAK_TOKEN_URL and MLFLOW_KEYCLOAK_CLIENT_ID, and the client secret from the
# file MLFLOW_CLIENT_SECRET_FILE (a mounted Secret) or else MLFLOW_CLIENT_SECRET. The secret goes
# to curl on stdin, never as an argument; nothing here is a person's password.
set -eu

: "${MLFLOW_KEYCLOAK_TOKEN_URL:?set MLFLOW_KEYCLOAK_TOKEN_URL (the token endpoint)}"
: "${MLFLOW_KEYCLOAK_CLIENT_ID:?set MLFLOW_KEYCLOAK_CLIENT_ID (the machine client id)}"

if [ -n "${MLFLOW_CLIENT_SECRET_FILE:-}" ]; then
  secret=$(cat "$MLFLOW_CLIENT_SECRET_FILE")
elif [ -n "${MLFLOW_CLIENT_SECRET:-}" ]; then
  secret=$MLFLOW_CLIENT_SECRET
else
  echo "set MLFLOW_CLIENT_SECRET_FILE or MLFLOW_CLIENT_SECRET" >&2
  exit 2
fi

response=$(printf '%s' "$secret" | curl -fsS --max-time 30 \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode "client_id=$MLFLOW_KEYCLOAK_CLIENT_ID" \
  --data-urlencode client_secret@- \
  "$MLFLOW_KEYCLOAK_TOKEN_URL") || { echo "token request to $MLFLOW_KEYCLOAK_TOKEN_URL failed" >&2; exit 1; }

token=$(printf '%s' "$response" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
if [ -z "$token" ]; then
  echo "no access_token in the response of $MLFLOW_KEYCLOAK_TOKEN_URL" >&2
  exit 1
fi
printf '%s\n' "$token"
