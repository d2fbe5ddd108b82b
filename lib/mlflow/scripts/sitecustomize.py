"""Gives redis-py the cache password from a file, so CACHE_REDIS_URL carries none.

mlflow-oidc-auth 7.18 connects with redis.Redis.from_url(CACHE_REDIS_URL) and logs that URL at
INFO ("Redis cache backend connected to ...", "url=...") and in its connection error, so a
password inside the URL would reach the logs. Python imports this module at start-up in every
process whose PYTHONPATH holds its directory (the MLflow server and the workers it spawns).
When MLFLOW_OIDC_REDIS_AUTH_FILE names a file, from_url gets password=<its first line>
unless the caller passes one; a password in the URL still wins, as in redis-py. Nothing is
printed.
"""
import os

_PASSWORD_FILE = os.environ.get("MLFLOW_OIDC_REDIS_AUTH_FILE")


def _read_password(path):
    with open(path) as f:
        return f.readline().rstrip("\r\n")


def _install(redis_module, path):
    original = redis_module.Redis.from_url.__func__

    def from_url(cls, url, **kwargs):
        if "password" not in kwargs:
            kwargs["password"] = _read_password(path)
        return original(cls, url, **kwargs)

    redis_module.Redis.from_url = classmethod(from_url)


if _PASSWORD_FILE:
    try:
        import redis
    except ImportError:  # the image lacks the plugin's cache extra: the plugin itself reports it
        redis = None
    if redis is not None:
        _install(redis, _PASSWORD_FILE)
