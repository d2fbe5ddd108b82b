"""Writes MLflow's basic-auth configuration (MLFLOW_AUTH_CONFIG_PATH) from the environment.

Run by an init container. The file holds the initial admin password (MLflow reads it from this
file only), so it is written 0600 on the pod's credentials memory volume, never into a
ConfigMap. AUTH_DB_URI, the auth database, carries no password: the driver reads it from the
pgpass or option file beside this one. Without AUTH_DB_URI the store is SQLite in /tmp.

MLflow reads the file with a plain configparser.ConfigParser() (mlflow/mlflow, commit 02e6205f as
stored for code search, version unidentified, not v3.14.0, which cannot be read here;
mlflow/server/auth/config.py `read_auth_config`): default interpolation, so every "%" is doubled;
no quoting, and configparser strips every value, so a value that begins or ends with whitespace
cannot be carried at all (it would arrive trimmed, and the admin could never log in with the
secret's password). Such a value is refused, naming the variable, never the value. Nothing
secret is printed.
"""
import os
import re
import sys

from private_file import write_private

PERMISSIONS = ("READ", "EDIT", "MANAGE", "NO_PERMISSIONS")


def ini_value(name, value):
    if "\n" in value or "\r" in value:
        sys.exit("basic auth: %s must be a single line" % name)
    if value != value.strip():
        sys.exit(
            "basic auth: %s begins or ends with whitespace, which MLflow's basic_auth.ini cannot carry "
            "(configparser strips it, so the login would fail). Fix: set a value without leading or "
            "trailing whitespace in its Secret" % name
        )
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
        "database_uri = " + ini_value("AUTH_DB_URI", database_uri(env)),
        "admin_username = " + ini_value("ADMIN_USERNAME", env.get("ADMIN_USERNAME", "admin")),
        "admin_password = " + ini_value("ADMIN_PASSWORD", env["ADMIN_PASSWORD"]),
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
