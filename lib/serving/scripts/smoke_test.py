"""Smoke test of a served model: one KServe v2 inference request, checked answer.

Posts `$REQUEST` (a v2 inference request built from the model's declared input schema) to `$URL`
and exits 0 only when the answer is JSON whose `outputs` match `$EXPECT` (a list of
{name?, datatype?, shape}) in number, name, datatype and shape, with as many data values as the
shape holds. HTTP errors, refused connections and timeouts are retried `$ATTEMPTS` times (a model
may still be loading), then fail; a wrong answer fails at once. Standard library only; the retry
loop is `steps.py`, shipped beside this script.
"""

import json
import os
import socket
import sys
import urllib.error
import urllib.request

import steps
from steps import NotYet


class WrongAnswer(steps.Fatal):
    """The server answered, but not with what the model declares."""


def product(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def check(answer, expect, model_name):
    if not isinstance(answer, dict):
        raise WrongAnswer("the answer is not a JSON object")
    if model_name and answer.get("model_name") not in (None, model_name):
        raise WrongAnswer(f"model_name is {answer.get('model_name')!r}, expected {model_name!r}")
    outputs = answer.get("outputs")
    if not isinstance(outputs, list):
        raise WrongAnswer("the answer has no outputs list")
    if len(outputs) != len(expect):
        raise WrongAnswer(f"{len(outputs)} outputs, expected {len(expect)}")
    for i, (out, want) in enumerate(zip(outputs, expect)):
        if not isinstance(out, dict):
            raise WrongAnswer(f"outputs[{i}] is not an object")
        if want.get("name") and out.get("name") != want["name"]:
            raise WrongAnswer(f"outputs[{i}].name is {out.get('name')!r}, expected {want['name']!r}")
        if want.get("datatype") and out.get("datatype") != want["datatype"]:
            raise WrongAnswer(f"outputs[{i}].datatype is {out.get('datatype')!r}, expected {want['datatype']!r}")
        if out.get("shape") != want["shape"]:
            raise WrongAnswer(f"outputs[{i}].shape is {out.get('shape')!r}, expected {want['shape']!r}")
        data = out.get("data")
        if not isinstance(data, list) or len(data) != product(want["shape"]):
            raise WrongAnswer(f"outputs[{i}].data does not hold {product(want['shape'])} values")


def post(url, body, timeout):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode())


def infer(url, body, expect, model_name, timeout):
    """One try: posts the request and checks the answer; NotYet when the model did not answer."""
    try:
        answer = post(url, body, timeout)
    except urllib.error.HTTPError as err:
        raise NotYet(f"HTTP {err.code}") from None
    except (socket.timeout, TimeoutError) as err:
        raise NotYet(f"no answer within {timeout:g}s ({err})") from None
    except urllib.error.URLError as err:
        raise NotYet(str(err.reason)) from None
    except ValueError as err:
        raise WrongAnswer(f"the answer is not JSON ({err})") from None
    check(answer, expect, model_name)
    return f"answered {len(expect)} output(s) of the expected shape"


def main():
    url = os.environ["URL"]
    body = json.loads(os.environ["REQUEST"])
    expect = json.loads(os.environ["EXPECT"])
    model_name = os.environ.get("MODEL_NAME", "")
    timeout = float(os.environ.get("TIMEOUT_SECONDS", "10"))
    attempts, delay = steps.settings(5, 10)
    return 0 if steps.until_done(url, lambda: infer(url, body, expect, model_name, timeout), attempts, delay) else 1


if __name__ == "__main__":
    sys.exit(main())
