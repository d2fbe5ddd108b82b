"""Probe of an MLflow server that listens on loopback only (behind the oauth2-proxy sidecar).

Usage: python probe_mlflow.py <port> <path>. Exits 0 when GET http://127.0.0.1:<port><path>
answers 2xx within four seconds, 1 otherwise (the kubelet runs it as an exec probe, since it
cannot reach 127.0.0.1 of the pod).
"""
import sys
import urllib.error
import urllib.request


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit() or not argv[2].startswith("/"):
        print("usage: probe_mlflow.py <port> </path>", file=sys.stderr)
        return 2
    url = "http://127.0.0.1:%s%s" % (argv[1], argv[2])
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    except (urllib.error.URLError, OSError) as err:
        print("%s: %s" % (url, getattr(err, "reason", err)), file=sys.stderr)
        return 1
    if 200 <= status < 300:
        return 0
    print("%s: HTTP %d" % (url, status), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
