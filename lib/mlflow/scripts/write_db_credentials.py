"""Writes passwords from the environment into the files their client libraries read.

DRIVER_FILES lists the prefixes to write (space-separated, default "DB"); for each prefix P:
  P_ENGINE       postgresql  a pgpass line (libpq reads PGPASSFILE)
                 mysql       a [client] option file (PyMySQL's read_default_file in the URI)
                 password    the bare password on one line (read by our sitecustomize.py)
  P_PASSWORD     the password (a secretKeyRef)
  P_DRIVER_FILE  where to write it
  P_HOST, P_PORT, P_NAME, P_USER
                 postgresql only: the host:port:database:user the line matches (default "*" each).
                 Prefixes sharing one pgpass file are written in one go, lines with a specific
                 host before wildcard ones (libpq uses the first line that matches).

Each file is created 0600 on a memory volume shared with the MLflow containers, so no password
is ever in a URI, an argument, a log line or the environment of the MLflow processes (which log
their backend store URI at start-up). This script prints file paths only, never a password.
"""
import os
import sys

from private_file import write_private


def pgpass_field(value):
    # hostname:port:database:username:password, with "\" and ":" escaped in every field
    return value.replace("\\", "\\\\").replace(":", "\\:")


def render(prefixes, env):
    """Returns {path: content} for the prefixes, in a stable order."""
    files = {}
    pgpass = {}
    for prefix in prefixes:
        def get(name, default=None):
            value = env.get("%s_%s" % (prefix, name), default)
            if value is None:
                sys.exit("%s_%s is not set" % (prefix, name))
            return value

        engine, password, path = get("ENGINE"), get("PASSWORD"), get("DRIVER_FILE")
        if any(c in password for c in "\r\n"):
            sys.exit("%s: the password must be a single line" % prefix)
        if engine == "postgresql":
            fields = [get(f, "*") for f in ("HOST", "PORT", "NAME", "USER")]
            line = ":".join([f if f == "*" else pgpass_field(f) for f in fields] + [pgpass_field(password)])
            pgpass.setdefault(path, []).append((fields[0] == "*", line))
        elif engine == "mysql":
            # PyMySQL strips one pair of surrounding quotes, which keeps leading and trailing spaces.
            files[path] = '[client]\npassword="%s"\n' % password
        elif engine == "password":
            files[path] = password + "\n"
        else:
            sys.exit("%s_ENGINE: unknown engine %r (expected postgresql, mysql or password)" % (prefix, engine))
    for path, lines in pgpass.items():
        # sorted() is stable: specific lines first, each group in the order of DRIVER_FILES
        files[path] = "".join(line + "\n" for _, line in sorted(lines, key=lambda entry: entry[0]))
    return files


def main():
    prefixes = os.environ.get("DRIVER_FILES", "DB").split()
    for path, content in render(prefixes, os.environ).items():
        write_private(path, content)
        print("wrote the credentials file %s" % path)


if __name__ == "__main__":
    main()
