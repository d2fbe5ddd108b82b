"""Runs `mlflow gc` in this process against MLFLOW_BACKEND_STORE_URI.

The URI holds no password (the driver reads it from the file the db-credentials init container
writes); it is handed to click's API in-process, so /proc/<pid>/cmdline shows `python gc.py`. Runs and
experiments in the `deleted` stage whose last update is older than GC_OLDER_THAN are removed with
their artifacts; proxied artifacts (mlflow-artifacts:/) are deleted through the tracking server at
MLFLOW_TRACKING_URI, as `mlflow gc` requires for servers with --serve-artifacts.

--artifacts-destination is what `mlflow gc` hands its SQLAlchemy store as the default artifact root
(mlflow/mlflow, not confirmed at v3.14.0, the version TrackingServer.DEFAULT_IMAGE pins: that tag
cannot be read here and the stored copies are of unidentified versions; mlflow/cli.py `gc`: `_get_store(backend_store_uri, artifacts_destination)`;
mlflow/tracking/_tracking_service/utils.py `_get_sqlalchemy_store`: None becomes "./mlruns").
The store creates a local root at start (mlflow/store/tracking/sqlalchemy_store.py:
`if is_local_uri(default_artifact_root): mkdir(...)`), so without it gc tried to create ./mlruns
on the read-only root filesystem and failed before deleting anything. We pass the root the tracking
server itself uses (`mlflow server --serve-artifacts` without --default-artifact-root resolves to
"mlflow-artifacts:/", mlflow/utils/server_cli_utils.py `resolve_default_artifact_root`): it is not
local, so nothing is created, and an experiment gc might create matches the server's. The runs'
own artifact URIs (mlflow-artifacts:/...) are deleted through MLFLOW_TRACKING_URI either way.
"""
import os
import re
import sys

# The default artifact root of `mlflow server --serve-artifacts` (see above).
SERVER_ARTIFACT_ROOT = "mlflow-artifacts:/"


def gc_args(env):
    older_than = env["GC_OLDER_THAN"]
    if not re.fullmatch(r"(\d+d)?(\d+h)?(\d+m)?(\d+s)?", older_than) or not older_than:
        sys.exit("GC_OLDER_THAN must look like 30d or 12h, got %r" % older_than)
    if not env.get("MLFLOW_TRACKING_URI", "").startswith(("http://", "https://")):
        sys.exit("MLFLOW_TRACKING_URI must be the tracking server's http(s) URL")
    return [
        "gc",
        "--backend-store-uri", env["MLFLOW_BACKEND_STORE_URI"],
        "--artifacts-destination", SERVER_ARTIFACT_ROOT,
        "--older-than", older_than,
    ]


def main():
    args = gc_args(os.environ)
    from mlflow.cli import cli  # imported late: the checks above run without MLflow installed

    cli.main(args=args, prog_name="mlflow")


if __name__ == "__main__":
    main()
