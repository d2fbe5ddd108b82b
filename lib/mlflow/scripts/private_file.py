"""Writes a file only its owner may read: shared by the init containers that put passwords on the
pod's credentials memory volume (write_db_credentials.py, write_basic_auth_ini.py), shipped beside
them in each ConfigMap that carries one of them."""
import os


def write_private(path, text):
    """Creates or truncates `path` with mode 0600 and writes `text`.

    O_CREAT's mode applies only to a new file, so the mode is set again for one that existed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
