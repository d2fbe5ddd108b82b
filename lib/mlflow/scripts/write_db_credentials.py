"""Writes the backend store password from DB_PASSWORD into the file the database driver reads.

PostgreSQL (libpq, PGPASSFILE): a pgpass line. MySQL (PyMySQL, read_default_file in the URI): a
[client] option file. The file is created 0600 on a memory volume shared with the MLflow
containers, so the password is never in a URI, an argument, a log line or the environment of the
MLflow processes (which log their backend store URI at start-up). This script prints nothing
about the password.
"""
import os
import sys

engine = os.environ["DB_ENGINE"]
password = os.environ["DB_PASSWORD"]
path = os.environ["DB_DRIVER_FILE"]

if any(c in password for c in "\r\n"):
    sys.exit("the database password must be a single line")

if engine == "postgresql":
    # hostname:port:database:username:password, with ":" and "\" escaped in the password
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    content = "*:*:*:*:%s\n" % escaped
elif engine == "mysql":
    # PyMySQL strips one pair of surrounding quotes, which keeps leading and trailing spaces.
    content = '[client]\npassword="%s"\n' % password
else:
    sys.exit("unknown DB_ENGINE %r (expected postgresql or mysql)" % engine)

fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    f.write(content)
os.chmod(path, 0o600)
print("wrote the %s credentials file %s" % (engine, path))
