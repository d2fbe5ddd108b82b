"""Group detection for mlflow-oidc-auth (OIDC_GROUP_DETECTION_PLUGIN=mlflow_keycloak_groups).

The plugin calls get_user_groups(access_token) and matches the result against OIDC_GROUP_NAME and
OIDC_ADMIN_GROUP_NAME. Its built-in lookup reads one top-level claim (OIDC_GROUPS_ATTRIBUTE), but
Keycloak nests realm roles as {"realm_access": {"roles": [...]}} and client roles as
{"resource_access": {"<client>": {"roles": [...]}}}. This module reads OIDC_GROUPS_ATTRIBUTE as a
dotted path into the token's claims instead (default "realm_access.roles"); several paths may be
given, comma-separated, and their values are merged.

The token is not verified here: on login the plugin received it from the token endpoint over TLS,
and on the bearer path it has validated it before asking for groups. Anything malformed yields no
groups, so the plugin denies the login rather than granting one.
"""

import base64
import binascii
import json
import os

DEFAULT_PATH = "realm_access.roles"


def _claims(token):
    """The JSON payload of a compact JWS (header.payload.signature), or {}."""
    if not isinstance(token, str) or token.count(".") != 2:
        return {}
    payload = token.split(".")[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _lookup(claims, path):
    """The value at a dotted path; a key that itself contains dots is matched first."""
    if path in claims:
        return claims[path]
    node = claims
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def get_user_groups(access_token):
    """The group names found at OIDC_GROUPS_ATTRIBUTE, in token order, without duplicates."""
    claims = _claims(access_token)
    paths = [p.strip() for p in os.environ.get("OIDC_GROUPS_ATTRIBUTE", DEFAULT_PATH).split(",") if p.strip()]
    groups = []
    for path in paths or [DEFAULT_PATH]:
        value = _lookup(claims, path)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        groups.extend(v for v in values if isinstance(v, str) and v and v not in groups)
    return groups
