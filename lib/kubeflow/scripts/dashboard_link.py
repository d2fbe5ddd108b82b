"""Adds one menu entry to Kubeflow's central dashboard, idempotently.

Reads the ConfigMap `$CONFIGMAP` in `$NAMESPACE` through the Kubernetes API, parses its `links`
value (a JSON document), appends `$ENTRY` to `menuLinks` unless an entry with the same `link` is
already there (at the top level or inside a section), and writes the document back with a merge
patch that carries the resourceVersion it read, so a concurrent edit is retried, never lost.
Every other key and entry is kept as it was. Exits non-zero when the document is not the JSON
the dashboard expects, or when the API keeps failing.

Standard library only; the retry loop is `steps.py`, shipped beside this script. The
service-account token is read from a file and sent only as the Authorization header; it is never
printed.
"""

import json
import os
import ssl
import sys
import urllib.error
import urllib.request

import steps
from steps import Fatal, NotYet

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def merge(links_text, entry):
    """Returns the new `links` text with `entry` added, or None when it is already present."""
    doc = steps.json_object(links_text, "the links value")
    menu = doc.setdefault("menuLinks", [])
    if not isinstance(menu, list):
        raise Fatal("links.menuLinks is not a JSON array")
    for item in menu:
        if not isinstance(item, dict):
            continue
        if item.get("link") == entry["link"]:
            return None
        for sub in item.get("items") or []:
            if isinstance(sub, dict) and sub.get("link") == entry["link"]:
                return None
    menu.append(entry)
    return json.dumps(doc, indent=4) + "\n"


def api():
    base = os.environ.get("KUBE_API")
    if not base:
        host = os.environ.get("KUBERNETES_SERVICE_HOST", "kubernetes.default.svc")
        port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        base = f"https://{host}:{port}"
    token_file = os.environ.get("KUBE_TOKEN_FILE", f"{SA_DIR}/token")
    with open(token_file, encoding="utf-8") as f:
        token = f.read().strip()
    context = None
    if base.startswith("https:"):
        context = ssl.create_default_context(cafile=os.environ.get("KUBE_CA_FILE", f"{SA_DIR}/ca.crt"))
    timeout = float(os.environ.get("TIMEOUT_SECONDS", "10"))

    def call(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(base.rstrip("/") + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + token)
        req.add_header("Accept", "application/json")
        if body is not None:
            req.add_header("Content-Type", "application/merge-patch+json")
        with urllib.request.urlopen(req, timeout=timeout, context=context) as resp:
            return json.loads(resp.read().decode())

    return call


def run_once(call, namespace, name, key, entry):
    """One try: reads the ConfigMap and patches it; NotYet when the API server did not do its part."""
    path = f"/api/v1/namespaces/{namespace}/configmaps/{name}"
    try:
        cm = call("GET", path)
        data = cm.get("data") or {}
        if key not in data:
            raise Fatal(f"ConfigMap {namespace}/{name} has no key {key!r}; is the central dashboard installed?")
        new_text = merge(data[key], entry)
        if new_text is None:
            return f"menu entry {entry['link']} already present in {namespace}/{name}; nothing to do"
        patch = {"metadata": {"resourceVersion": cm["metadata"]["resourceVersion"]}, "data": {key: new_text}}
        call("PATCH", path, patch)
    except urllib.error.HTTPError as err:
        # 409: someone else changed the ConfigMap; 403/404: RBAC or the dashboard not applied yet.
        raise NotYet(f"HTTP {err.code} from the API server") from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise NotYet(f"{type(err).__name__}: {err}") from None
    return f"added menu entry {entry['text']} ({entry['link']}) to {namespace}/{name}"


def main():
    namespace = os.environ["NAMESPACE"]
    name = os.environ["CONFIGMAP"]
    key = os.environ.get("LINKS_KEY", "links")
    entry = json.loads(os.environ["ENTRY"])
    attempts, delay = steps.settings(10, 3)
    call = api()
    done = steps.until_done(f"menu entry {entry['link']}", lambda: run_once(call, namespace, name, key, entry), attempts, delay)
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
