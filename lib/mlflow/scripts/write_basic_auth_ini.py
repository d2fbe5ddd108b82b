"""Writes MLflow's basic-auth configuration (MLFLOW_AUTH_CONFIG_PATH) from the environment.

Run by an init container. The file holds the initial admin password (MLflow reads it from this
file only), so it is written 0600 on the pod's credentials memory volume, never into a
ConfigMap. AUTH_DB_URI, the auth database, carries no password: the driver reads it from the
pgpass or option file beside this one. Without AUTH_DB_URI the store is SQLite in /tmp. MLflow
reads the file with configparser's default interpolation, so every "%" is doubled. Nothing
secret is printed.
"""
import os
import re
import sys

from private_file import write_private

PERMISSIONS = ("READ", "EDIT", "MANAGE", "NO_PERMISSIONS")


def ini_value(value):
    if "\n" in value or "\r" in value:
        sys.exit("basic auth: values must be single-line")
    return value.replace("%", "%%")


def database_uri(env):
    uri = env.get("AUTH_DB_URI") or "sqlite:////tmp/basic_auth.db"
    # a user name followed by ":" and "@" carries a password, which belongs in the driver's file
    if re.match(r"^[^:/]+://[^/@]*:[^/@]*@", uri):
        sys.exit("basic auth: AUTH_DB_URI must not carry a password (the driver reads it from its file)")
    return uri


def render(env):
    permission = env.get("DEFAULT_PERMISSION", "READ")
    if permission not in PERMISSIONS:
        sys.exit("basic auth: DEFAULT_PERMISSION must be one of %s, got %r" % (", ".join(PERMISSIONS), permission))
    if not env.get("ADMIN_PASSWORD"):
        sys.exit("basic auth: ADMIN_PASSWORD is empty")
    lines = [
        "[mlflow]",
        "default_permission = " + permission,
        "database_uri = " + ini_value(database_uri(env)),
        "admin_username = " + ini_value(env.get("ADMIN_USERNAME", "admin")),
        "admin_password = " + ini_value(env["ADMIN_PASSWORD"]),
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth",
        "",
    ]
    return "\n".join(lines)


def main():
    path = os.environ["MLFLOW_AUTH_CONFIG_PATH"]
    text = render(os.environ)
    write_private(path, text)
    print("wrote the basic-auth configuration %s" % path)


if __name__ == "__main__":
    main()
