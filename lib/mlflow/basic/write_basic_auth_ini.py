"""Writes MLflow's basic-auth configuration (MLFLOW_AUTH_CONFIG_PATH) from the environment.

The file holds the auth database URI and the initial admin password, so it is written at start
into the pod's scratch directory (mode 0600), never into a ConfigMap. MLflow reads it with
configparser's default interpolation, so every "%" (the URI's percent-encoding, a password) is
doubled.
"""
import os
import sys
from urllib.parse import quote

PERMISSIONS = ("READ", "EDIT", "MANAGE", "NO_PERMISSIONS")


def ini_value(value):
    if "\n" in value or "\r" in value:
        sys.exit("basic auth: values must be single-line")
    return value.replace("%", "%%")


def database_uri(env):
    if not env.get("AUTH_DB_HOST"):
        return "sqlite:////tmp/mlflow-auth/basic_auth.db"
    return "%s://%s:%s@%s:%s/%s" % (
        env["AUTH_DB_SCHEME"], quote(env["AUTH_DB_USER"], safe=""), quote(env["AUTH_DB_PASSWORD"], safe=""),
        env["AUTH_DB_HOST"], env["AUTH_DB_PORT"], env["AUTH_DB_NAME"],
    )


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
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    text = render(os.environ)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
