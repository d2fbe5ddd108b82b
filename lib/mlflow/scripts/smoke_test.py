"""Smoke test of an MLflow tracking server: `/health` and one REST API call.

1. GET `$BASE_URL/health` must answer HTTP 200 with the body `OK` (what MLflow serves there).
2. Then, by `$API_CHECK`:
   - `anonymous`: POST `$BASE_URL/api/2.0/mlflow/experiments/search` with `{"max_results": 1}`
     must answer HTTP 200 with a JSON object (with or without `experiments`: a new server has
     only the Default experiment, an upgraded one may list any);
   - `login-required`: the same call without credentials must be refused, HTTP 401 or a redirect
     (302, 303, 307) to a login page; an answer of 200 means the API is open, which fails;
   - `skip`: no API call.

Refused connections, timeouts and HTTP 429/500/502/503/504 are retried `$ATTEMPTS` times
`$RETRY_SECONDS` apart (the server may still be starting); a wrong answer (another status, a
body that is not what MLflow sends) fails at once. Redirects are never followed. Nothing but
status codes, content types and short reasons is printed: no headers, no cookies, no bodies.
Standard library only; the retry loop is `steps.py`, shipped beside this script.
"""

import json
import os
import socket
import sys
import urllib.error
import urllib.request

import steps
from steps import NotYet

SEARCH_PATH = "/api/2.0/mlflow/experiments/search"
LOGIN_ANSWERS = (401, 302, 303, 307)
# Statuses a server that is still starting (or a proxy in front of one) may answer.
TRANSIENT = (429, 500, 502, 503, 504)


class WrongAnswer(steps.Fatal):
    """The server answered, but not what a healthy MLflow answers."""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer instead of following it (to a login page, say)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url, timeout, body=None):
    """(status, content type, body text) of one request; raises NotYet when nothing came back."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    req.add_header("Accept", "application/json" if body is not None else "*/*")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        # 4xx, 5xx and the redirects NoRedirect declined to follow.
        with err:
            return err.code, err.headers.get("Content-Type", "") if err.headers else "", ""
    except (socket.timeout, TimeoutError):
        raise NotYet(f"no answer within {timeout:g}s") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise NotYet(f"no answer within {timeout:g}s") from None
        raise NotYet(f"{type(reason).__name__}: {reason}" if isinstance(reason, OSError) else str(reason)) from None
    except (ConnectionError, OSError) as err:
        raise NotYet(f"{type(err).__name__}") from None


def check_health(base, timeout):
    status, _, text = request(base + "/health", timeout)
    if status in TRANSIENT:
        raise NotYet(f"HTTP {status}")
    if status != 200:
        raise WrongAnswer(f"HTTP {status}, expected 200")
    if text.strip().upper() != "OK":
        raise WrongAnswer("HTTP 200 but the body is not OK (is this MLflow?)")
    return "HTTP 200 OK"


def check_api_anonymous(base, timeout):
    status, ctype, text = request(base + SEARCH_PATH, timeout, {"max_results": 1})
    if status in TRANSIENT:
        raise NotYet(f"HTTP {status}")
    if status in LOGIN_ANSWERS:
        raise WrongAnswer(f"HTTP {status}: the API requires a login. Fix: set api: SmokeTestApiCheck.loginRequired() (or .skip())")
    if status != 200:
        raise WrongAnswer(f"HTTP {status}, expected 200")
    answer = steps.json_object(text, f"HTTP 200 but the body ({ctype or 'no content type'})")
    experiments = answer.get("experiments", [])
    if not isinstance(experiments, list):
        raise WrongAnswer("HTTP 200 but experiments is not a list")
    return f"HTTP 200, JSON with {len(experiments)} experiment(s)"


def check_api_login_required(base, timeout):
    status, _, _ = request(base + SEARCH_PATH, timeout, {"max_results": 1})
    if status in TRANSIENT:
        raise NotYet(f"HTTP {status}")
    if status in LOGIN_ANSWERS:
        return f"HTTP {status} without credentials (login required, as expected)"
    if status == 200:
        raise WrongAnswer("HTTP 200 without credentials: the API is open, but a login was expected")
    raise WrongAnswer(f"HTTP {status}, expected one of {', '.join(map(str, LOGIN_ANSWERS))}")


CHECKS = {
    "anonymous": check_api_anonymous,
    "login-required": check_api_login_required,
}


def main():
    base = os.environ["BASE_URL"].rstrip("/")
    api = os.environ.get("API_CHECK", "anonymous")
    timeout = float(os.environ.get("TIMEOUT_SECONDS", "10"))
    attempts, delay = steps.settings(30, 10)
    if api not in CHECKS and api != "skip":
        print(f"FAIL: API_CHECK must be anonymous, login-required or skip, got {api!r}", file=sys.stderr)
        return 2
    if not steps.until_done("MLflow health (/health)", lambda: check_health(base, timeout), attempts, delay):
        return 1
    if api != "skip" and not steps.until_done(f"MLflow REST API ({SEARCH_PATH})", lambda: CHECKS[api](base, timeout), attempts, delay):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
