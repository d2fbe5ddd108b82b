"""Brings the backend store schema up to date before the server starts.

An empty database is left to `mlflow server`, which creates the schema (all tables, then the
migrations, then the Alembic stamp) on its first start: `mlflow db upgrade` alone fails there in
MLflow 2.x and 3.x ("relation metrics does not exist"), because the first migration alters tables
that only that initialization creates. A database that already holds MLflow's tables is migrated
with `mlflow db upgrade`. Used by the TrackingServer and by MLflow SharingHub (MLflow 2.14).

MLFLOW_BACKEND_STORE_URI holds no password (the driver reads it from the credentials file, or
libpq from PGPASSWORD).
"""
import os
import sys

from sqlalchemy import create_engine, inspect

uri = os.environ["MLFLOW_BACKEND_STORE_URI"]
engine = create_engine(uri)
try:
    tables = set(inspect(engine).get_table_names())
finally:
    engine.dispose()

if "experiments" not in tables:
    print("empty backend store: mlflow server creates the schema on its first start", flush=True)
    sys.exit(0)

from mlflow.cli import cli  # noqa: E402 (imported only when needed: it is slow)

cli.main(args=["db", "upgrade", uri], prog_name="mlflow")
