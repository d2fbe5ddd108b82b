"""Waits, bounded, until the database accepts TCP connections; exits non-zero when it never does.

DB_HOST, DB_PORT: where to connect. WAIT_ATTEMPTS (150) tries, WAIT_SECONDS (2) apart.
"""
import os
import socket
import sys
import time

host, port = os.environ["DB_HOST"], int(os.environ["DB_PORT"])
attempts = int(os.environ.get("WAIT_ATTEMPTS", "150"))
delay = float(os.environ.get("WAIT_SECONDS", "2"))
for attempt in range(1, attempts + 1):
    try:
        socket.create_connection((host, port), 3).close()
        sys.exit(0)
    except OSError as err:
        print("waiting for %s:%d (%d/%d): %s" % (host, port, attempt, attempts, err), flush=True)
        if attempt < attempts:
            time.sleep(delay)
sys.exit("database %s:%d not reachable after %d attempts" % (host, port, attempts))
