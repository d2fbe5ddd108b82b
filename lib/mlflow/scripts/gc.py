"""Runs `mlflow gc` in this process, with the backend store URI assembled from DB_* variables.

The URI carries the database password, so it is built here and handed to click's API: it is in
no process argument list (/proc/<pid>/cmdline shows `python gc.py`) and in no manifest. Runs and
experiments in the `deleted` stage whose last update is older than GC_OLDER_THAN are removed with
their artifacts; proxied artifacts (mlflow-artifacts:/) are deleted through the tracking server at
MLFLOW_TRACKING_URI, as `mlflow gc` requires for servers with --serve-artifacts.
"""
import os
import re
import sys
from urllib.parse import quote


def backend_uri(env):
    return "%s://%s:%s@%s:%s/%s" % (
        env["DB_SCHEME"], quote(env["DB_USER"], safe=""), quote(env["DB_PASSWORD"], safe=""),
        env["DB_HOST"], env["DB_PORT"], env["DB_NAME"],
    )


def gc_args(env):
    older_than = env["GC_OLDER_THAN"]
    if not re.fullmatch(r"(\d+d)?(\d+h)?(\d+m)?(\d+s)?", older_than) or not older_than:
        sys.exit("GC_OLDER_THAN must look like 30d or 12h, got %r" % older_than)
    if not env.get("MLFLOW_TRACKING_URI", "").startswith(("http://", "https://")):
        sys.exit("MLFLOW_TRACKING_URI must be the tracking server's http(s) URL")
    return ["gc", "--backend-store-uri", backend_uri(env), "--older-than", older_than]


def main():
    args = gc_args(os.environ)
    from mlflow.cli import cli  # imported late: the checks above run without MLflow installed

    cli.main(args=args, prog_name="mlflow")


if __name__ == "__main__":
    main()
