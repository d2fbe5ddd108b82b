/**
 * Which Ingress path of a host ingress-nginx picks for a request, as controller-v1.12.8 builds its
 * nginx locations (kubernetes/ingress-nginx, tag controller-v1.12.8):
 * - internal/ingress/controller/controller.go: a host's locations are sorted by path (descending),
 *   then stably by path length, longest first;
 * - internal/ingress/controller/location.go (updateServerLocations): a Prefix path without rewrite or
 *   regex becomes `<path>/` plus an Exact copy of `<path>`;
 * - internal/ingress/controller/template/template.go (enforceRegexModifier, buildLocation): once one
 *   location of the host has a rewrite-target (different from its path) or use-regex, every location
 *   of the host becomes a case-insensitive regex `~* "^<path>"` (Exact ones included), and nginx takes
 *   the first regex location that matches, in that order (kubernetes/ingress-nginx#10618); otherwise
 *   an Exact location wins, then the longest prefix.
 */

/** The fields of a networking.k8s.io/v1 Ingress the selection reads. */
export interface IngressObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly rules?: ReadonlyArray<{
      readonly host?: string;
      readonly http?: { readonly paths: ReadonlyArray<{ readonly path?: string; readonly pathType: string; readonly backend: { readonly service?: { readonly name: string } } }> };
    }>;
  };
}

/** Where a request ends up. */
export interface RouteResult {
  /** `sharinghub/mlflow-sharinghub`. */
  readonly ingress: string;
  /** The location nginx used: `~* "^/mlflow(/|$)(.*)"`, `= /mlflow`, `/`. */
  readonly location: string;
  /** The backend Service, unless the location redirects. */
  readonly service?: string;
  /** The path the backend receives (after a rewrite-target). */
  readonly backendPath?: string;
  /** The redirect target (`nginx.ingress.kubernetes.io/permanent-redirect`). */
  readonly redirect?: string;
}

interface Location {
  path: string;
  exact: boolean;
  prefix: boolean;
  ingress: string;
  service?: string;
  rewriteTarget?: string;
  useRegex: boolean;
  redirect?: string;
}

const ANNOTATION = 'nginx.ingress.kubernetes.io/';

function locationsOf(ingresses: readonly IngressObject[], host: string, ingressClass: string): Location[] {
  const out: Location[] = [];
  for (const ing of ingresses) {
    if ((ing.spec?.ingressClassName ?? ingressClass) !== ingressClass) continue;
    const a = ing.metadata.annotations ?? {};
    for (const rule of ing.spec?.rules ?? []) {
      if ((rule.host ?? host) !== host) continue;
      for (const p of rule.http?.paths ?? []) {
        out.push({
          path: p.path ?? '/',
          exact: p.pathType === 'Exact',
          prefix: p.pathType === 'Prefix',
          ingress: `${ing.metadata.namespace ?? 'default'}/${ing.metadata.name}`,
          service: p.backend.service?.name,
          rewriteTarget: a[`${ANNOTATION}rewrite-target`],
          useRegex: a[`${ANNOTATION}use-regex`] === 'true',
          redirect: a[`${ANNOTATION}permanent-redirect`],
        });
      }
    }
  }
  return out;
}

const needsRewrite = (l: Location) => l.rewriteTarget !== undefined && l.rewriteTarget !== '' && l.rewriteTarget !== l.path;

/** The location ingress-nginx uses for `path` on `host`, or undefined (the default backend). */
export function selectIngressRoute(ingresses: readonly IngressObject[], host: string, path: string, ingressClass = 'nginx'): RouteResult | undefined {
  const sorted = locationsOf(ingresses, host, ingressClass)
    .sort((a, b) => (a.path > b.path ? -1 : a.path < b.path ? 1 : 0))
    .sort((a, b) => b.path.length - a.path.length);
  // updateServerLocations: Prefix -> "<path>/" plus an Exact "<path>" (unless one exists).
  const exactPaths = new Set(sorted.filter((l) => l.exact).map((l) => l.path));
  const locations: Location[] = [];
  for (const l of sorted) {
    if (l.path === '/' || !l.prefix || needsRewrite(l) || l.useRegex) {
      locations.push(l);
      continue;
    }
    const normalized = l.path.endsWith('/') ? l.path : `${l.path}/`;
    locations.push({ ...l, path: normalized });
    if (!exactPaths.has(l.path)) locations.push({ ...l, exact: true, prefix: false });
  }
  const enforceRegex = locations.some((l) => needsRewrite(l) || l.useRegex);
  let chosen: Location | undefined;
  let text = '';
  if (enforceRegex) {
    chosen = locations.find((l) => new RegExp(`^${l.path}`, 'i').test(path));
    text = chosen ? `~* "^${chosen.path}"` : '';
  } else {
    chosen = locations.find((l) => l.exact && l.path === path);
    if (chosen) text = `= ${chosen.path}`;
    else {
      chosen = locations.filter((l) => !l.exact && path.startsWith(l.path)).sort((a, b) => b.path.length - a.path.length)[0];
      text = chosen?.path ?? '';
    }
  }
  if (!chosen) return undefined;
  if (chosen.redirect) return { ingress: chosen.ingress, location: text, redirect: chosen.redirect };
  let backendPath = path;
  if (needsRewrite(chosen)) backendPath = path.replace(new RegExp(`^${chosen.path}`, 'i'), chosen.rewriteTarget!);
  return { ingress: chosen.ingress, location: text, service: chosen.service, backendPath };
}
