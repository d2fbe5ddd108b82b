"""What the Jobs' Python scripts share, shipped beside them (`import steps`): a step tried until done.

A step either returns a short description of what it saw (it passed), raises `Fatal` (an answer
retrying cannot fix: fail at once), or raises `NotYet` (no usable answer yet: try again after the
delay, up to the number of attempts). Progress and failures go to stderr, the success to stdout;
the caller prints nothing secret in its messages. `json_object` reads an answer that must be a
JSON object, failing the step otherwise. Standard library only.
"""

import json
import os
import sys
import time


class Fatal(Exception):
    """An answer that retrying cannot fix."""


class NotYet(Exception):
    """No usable answer yet (refused, timed out, a transient status): worth another try."""


def json_object(text, what):
    """`text` parsed as a JSON object; Fatal naming `what` when it is not JSON or not an object."""
    try:
        doc = json.loads(text)
    except ValueError as err:
        raise Fatal(f"{what} is not valid JSON ({err})") from None
    if not isinstance(doc, dict):
        raise Fatal(f"{what} is not a JSON object")
    return doc


def settings(attempts, delay):
    """(attempts, delay in seconds) from `$ATTEMPTS` and `$RETRY_SECONDS`, these defaults when unset."""
    return int(os.environ.get("ATTEMPTS", str(attempts))), float(os.environ.get("RETRY_SECONDS", str(delay)))


def until_done(name, step, attempts, delay):
    """Runs `step()` until it passes, fails, or `attempts` tries found nothing usable. True when it passed."""
    for n in range(1, attempts + 1):
        try:
            result = step()
        except Fatal as err:
            print(f"FAIL: {name}: {err}", file=sys.stderr)
            return False
        except NotYet as err:
            print(f"waiting: {name}: {err} ({n}/{attempts})", file=sys.stderr)
            if n < attempts:
                time.sleep(delay)
        else:
            print(f"ok: {name}: {result}")
            return True
    print(f"FAIL: {name}: no answer after {attempts} attempts", file=sys.stderr)
    return False
