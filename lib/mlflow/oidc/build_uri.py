"""Prints a connection URI assembled from <PREFIX>_* environment variables.

    python build_uri.py AUTH_DB   # the SQLAlchemy URI of the plugin's database
    python build_uri.py REDIS     # the redis:// URI of the cache

Reads <PREFIX>_SCHEME, _HOST, _PORT and _PATH, and the optional _USER and _PASSWORD, which are
percent-encoded. The URI (with the password) only ever exists in the environment of the process
that the wrapper script execs, never in a manifest, an argument list or a log line.
"""

import os
import sys
from urllib.parse import quote


def build(prefix, env):
    def get(name, required=True):
        value = env.get("%s_%s" % (prefix, name), "")
        if required and not value:
            sys.exit("%s_%s is not set" % (prefix, name))
        return value

    user, password = get("USER", False), get("PASSWORD", False)
    auth = ""
    if user or password:
        auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "") + "@"
    return "%s://%s%s:%s/%s" % (get("SCHEME"), auth, get("HOST"), get("PORT"), get("PATH", False))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_uri.py PREFIX")
    print(build(sys.argv[1], os.environ))
