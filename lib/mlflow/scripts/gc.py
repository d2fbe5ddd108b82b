"""Runs `mlflow gc` in this process against MLFLOW_BACKEND_STORE_URI.

The URI holds no password (the driver reads it from the file the db-credentials init container
writes); it is handed to click's API in-process, so /proc/<pid>/cmdline shows `python gc.py`. Runs and
experiments in the `deleted` stage whose last update is older than GC_OLDER_THAN are removed with
their artifacts; proxied artifacts (mlflow-artifacts:/) are deleted through the tracking server at
MLFLOW_TRACKING_URI, as `mlflow gc` requires for servers with --serve-artifacts.
"""
import os
import re
import sys


def gc_args(env):
    older_than = env["GC_OLDER_THAN"]
    if not re.fullmatch(r"(\d+d)?(\d+h)?(\d+m)?(\d+s)?", older_than) or not older_than:
        sys.exit("GC_OLDER_THAN must look like 30d or 12h, got %r" % older_than)
    if not env.get("MLFLOW_TRACKING_URI", "").startswith(("http://", "https://")):
        sys.exit("MLFLOW_TRACKING_URI must be the tracking server's http(s) URL")
    return ["gc", "--backend-store-uri", env["MLFLOW_BACKEND_STORE_URI"], "--older-than", older_than]


def main():
    args = gc_args(os.environ)
    from mlflow.cli import cli  # imported late: the checks above run without MLflow installed

    cli.main(args=args, prog_name="mlflow")


if __name__ == "__main__":
    main()
