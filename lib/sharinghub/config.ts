import { IConstruct } from 'constructs';
import { checkInstance, checkInteger, invalid } from '../core/validate';
import { Duration } from 'cdk8s';
import { durationIn } from '../core/duration';
import { EnumValue } from '../core/enum-value';

/**
 * The SharingHub server configuration file (`config.yaml`, read from `CONFIG_PATH`), as typed
 * props. Only keys that sharinghub-server 0.3.0 reads are rendered (see its `app/settings.py`,
 * `app/stac/settings.py`, `app/store/settings.py`, `app/auth/settings.py` and CONFIGURATION.md).
 * Secrets (session key, OAuth client, S3 keys) never go into this file: the pod reads them from
 * environment variables that are Secret references.
 */

/** Translations of a title and description (`locales.<lang>`). */
export interface SharingHubLocale {
  readonly title?: string;
  readonly description?: string;
}

/** The style of the visitors' banner (a Bootstrap contextual class). */
export class SharingHubAlertType extends EnumValue {
  public static readonly INFO = new SharingHubAlertType('info');
  public static readonly SUCCESS = new SharingHubAlertType('success');
  public static readonly WARNING = new SharingHubAlertType('warning');
  public static readonly DANGER = new SharingHubAlertType('danger');
  public static readonly PRIMARY = new SharingHubAlertType('primary');
  public static readonly SECONDARY = new SharingHubAlertType('secondary');
  public static readonly DARK = new SharingHubAlertType('dark');
}

/** `server.log-level` of the SharingHub server. */
export class SharingHubLogLevel extends EnumValue {
  public static readonly DEBUG = new SharingHubLogLevel('DEBUG');
  public static readonly INFO = new SharingHubLogLevel('INFO');
  public static readonly WARNING = new SharingHubLogLevel('WARNING');
  public static readonly ERROR = new SharingHubLogLevel('ERROR');
}

/** The category features of the server, by prop, and their keys in the config file, in its order. */
const CATEGORY_FEATURES = {
  mapViewer: 'map-viewer',
  /** DVC/large files on the S3 store. */
  storeS3: 'store-s3',
  mlflow: 'mlflow',
  jupyter: 'jupyter',
  deploymentSpaces: 'deployment-spaces',
} as const;

/**
 * `stac.categories.[entry].features`: `mapViewer`, `storeS3` (DVC/large files on the S3 store),
 * `mlflow`, `jupyter`, `deploymentSpaces`; `true` renders `enable`, `false` renders `disable`. A
 * feature not set is not rendered (the server's default).
 */
export type SharingHubCategoryFeatures = { readonly [P in keyof typeof CATEGORY_FEATURES]?: boolean };

/** One STAC collection of the catalog, backed by a GitLab topic (`stac.categories`). */
export interface SharingHubCategory {
  /** The collection id, such as `ai-model`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Projects with this topic belong to the category, such as `sharinghub:aimodel`. */
  readonly gitlabTopic: string;
  /** @default - none */
  readonly logo?: string;
  /** @default - none */
  readonly icon?: string;
  /** @default - none */
  readonly locales?: Record<string, SharingHubLocale>;
  /** @default - none rendered */
  readonly features?: SharingHubCategoryFeatures;
}

/** The STAC root catalog (`stac.root`). */
export interface SharingHubStacRoot {
  /** @default "gitlab" */
  readonly id?: string;
  readonly title: string;
  readonly description: string;
  /** @default - none */
  readonly logo?: string;
  /** @default - none */
  readonly locales?: Record<string, SharingHubLocale>;
}

/** The STAC settings (`stac.*`). */
export interface SharingHubStac {
  readonly root: SharingHubStacRoot;
  readonly categories: SharingHubCategory[];
  /** STAC extension name → schema URL (`stac.extensions`). @default - none */
  readonly extensions?: Record<string, string>;
  /** `stac.projects.cache-timeout`, in whole seconds, at most a day. @default Duration.minutes(5) (the server's default) */
  readonly projectsCacheTimeout?: Duration;
  /** `stac.search.page-size`. @default - the server's 12 */
  readonly searchPageSize?: number;
}

/** One tag section of the UI (`tags.sections`). */
export interface SharingHubTagSection {
  readonly name: string;
  readonly keywords: string[];
  /** Category ids the section appears for. */
  readonly enabledFor: string[];
}

/** The UI's tag sections (`tags`). */
export interface SharingHubTags {
  /** `tags.gitlab.minimum_count`: a GitLab topic shows from this many projects. @default 1 */
  readonly minimumCount?: number;
  readonly sections: SharingHubTagSection[];
}

/** The banner shown to visitors (`alerts`). */
export interface SharingHubAlert {
  /** How long before it shows again, in whole days. */
  readonly timeout: Duration;
  /** `SharingHubAlertType.INFO`, `.WARNING`, ... */
  readonly type: SharingHubAlertType;
  readonly title: string;
  readonly message: string;
  /** @default - none */
  readonly locales?: Record<string, { readonly title?: string; readonly message?: string }>;
}

/** A link of the UI (`external-urls`). */
export interface SharingHubExternalUrl {
  readonly name: string;
  readonly url: string;
  /** Shown in the footer. @default false */
  readonly footer?: boolean;
  /** @default - none */
  readonly icon?: string;
  /** Language → translated name. @default - none */
  readonly locales?: Record<string, string>;
}

/** Everything of the config file that is not derived from the constructs it is wired to. */
export interface SharingHubConfigProps {
  /** `server.allowed-origins` (CORS). @default - the server's defaults (localhost and radiantearth.github.io) */
  readonly allowedOrigins?: string[];
  /** `gitlab.allow-public`: anonymous visitors see public projects. @default true */
  readonly allowPublic?: boolean;
  /** `gitlab.ignore.topics`. @default - none */
  readonly ignoreTopics?: string[];
  readonly stac: SharingHubStac;
  /** @default - no tag sections */
  readonly tags?: SharingHubTags;
  /** @default - no banner */
  readonly alert?: SharingHubAlert;
  /** @default - none */
  readonly externalUrls?: SharingHubExternalUrl[];
  /** `docs.url`. @default - none */
  readonly docsUrl?: string;
  /** `jupyterlab.url`. @default - none */
  readonly jupyterlabUrl?: string;
  /** `server.log-level`. @default SharingHubLogLevel.INFO */
  readonly logLevel?: SharingHubLogLevel;
}

/** The wired parts: URLs and the S3 store, filled in by {@link SharingHub}. */
export interface SharingHubWiring {
  readonly gitlabUrl: string;
  readonly mlflow?: { readonly type: 'mlflow-sharinghub' | 'mlflow' | 'gitlab'; readonly url: string };
  readonly s3?: {
    readonly bucket: string;
    readonly region: string;
    readonly endpoint: string;
    readonly presignedExpirationSeconds?: number;
    readonly uploadChunkSizeBytes?: number;
  };
}

const CATEGORY_ID = /^[a-z0-9][a-z0-9-]*$/;

function checkUrl(scope: IConstruct | string, prop: string, value: string): string {
  let ok = false;
  try {
    const u = new URL(value);
    ok = /^https?:$/.test(u.protocol) && !u.username && !u.password;
  } catch {
    ok = false;
  }
  if (!ok) invalid(scope, prop, 'must be an http(s) URL without credentials', value, 'write it as "https://example.com/path"');
  return value;
}

function locales(l?: Record<string, SharingHubLocale>) {
  if (!l || Object.keys(l).length === 0) return {};
  return {
    locales: Object.fromEntries(Object.keys(l).sort().map((k) => [k, {
      ...(l[k].title !== undefined ? { title: l[k].title } : {}),
      ...(l[k].description !== undefined ? { description: l[k].description } : {}),
    }])),
  };
}

/**
 * Validates the props and returns the config file as a plain object, keys in a fixed order.
 * @internal
 */
export function renderSharingHubConfig(scope: IConstruct, props: SharingHubConfigProps, wiring: SharingHubWiring): Record<string, unknown> {
  checkCategories(scope, props);
  checkUrls(scope, props);
  return {
    server: {
      'log-level': checkInstance(scope, 'config.logLevel', props.logLevel ?? SharingHubLogLevel.INFO, SharingHubLogLevel, 'a SharingHubLogLevel', 'pass SharingHubLogLevel.INFO').value,
      ...(props.allowedOrigins?.length ? { 'allowed-origins': [...props.allowedOrigins] } : {}),
    },
    gitlab: {
      url: wiring.gitlabUrl,
      'allow-public': props.allowPublic ?? true,
      ...(props.ignoreTopics?.length ? { ignore: { topics: [...props.ignoreTopics] } } : {}),
    },
    ...(wiring.mlflow ? { mlflow: { type: wiring.mlflow.type, url: wiring.mlflow.url } } : {}),
    ...(wiring.s3 ? { s3: renderS3(wiring.s3) } : {}),
    ...(props.docsUrl ? { docs: { url: props.docsUrl } } : {}),
    ...(props.jupyterlabUrl ? { jupyterlab: { url: props.jupyterlabUrl } } : {}),
    stac: renderStac(scope, props.stac),
    ...(props.tags ? { tags: renderTags(scope, props.tags) } : {}),
    ...(props.alert ? { alerts: renderAlert(scope, props.alert) } : {}),
    ...(props.externalUrls?.length ? { 'external-urls': props.externalUrls.map(renderExternalUrl) } : {}),
  };
}

/** At least one category, each with its own id and a GitLab topic; tag sections name categories that exist. */
function checkCategories(scope: IConstruct, props: SharingHubConfigProps): void {
  const stac = props.stac;
  if (!stac?.root || !Array.isArray(stac.categories) || stac.categories.length === 0) {
    invalid(scope, 'config.stac.categories', 'must list at least one category', stac?.categories,
      'pass categories such as [{ id: "ai-model", title: "AI Models", description: "...", gitlabTopic: "sharinghub:aimodel" }]');
  }
  const ids = new Set<string>();
  stac.categories.forEach((c, i) => {
    if (!CATEGORY_ID.test(c.id ?? '')) {
      invalid(scope, `config.stac.categories[${i}].id`, 'must be lower-case letters, digits and "-"', c.id, 'use an id such as "ai-model"');
    }
    if (ids.has(c.id)) invalid(scope, `config.stac.categories[${i}].id`, 'is used by two categories', c.id, 'give each category its own id');
    ids.add(c.id);
    if (!c.gitlabTopic) invalid(scope, `config.stac.categories[${i}].gitlabTopic`, 'must name a GitLab topic', c.gitlabTopic, 'use a topic such as "sharinghub:aimodel"');
    if (c.logo) checkUrl(scope, `config.stac.categories[${i}].logo`, c.logo);
    if (c.icon) checkUrl(scope, `config.stac.categories[${i}].icon`, c.icon);
  });
  (props.tags?.sections ?? []).forEach((s, i) => {
    s.enabledFor.forEach((id) => {
      if (!ids.has(id)) {
        invalid(scope, `config.tags.sections[${i}].enabledFor`, `must name categories of config.stac.categories (${[...ids].join(', ')})`, id,
          'remove it or add that category');
      }
    });
  });
}

function checkUrls(scope: IConstruct, props: SharingHubConfigProps): void {
  for (const [name, url] of Object.entries(props.stac.extensions ?? {})) checkUrl(scope, `config.stac.extensions.${name}`, url);
  (props.allowedOrigins ?? []).forEach((o, i) => checkUrl(scope, `config.allowedOrigins[${i}]`, o));
  (props.externalUrls ?? []).forEach((u, i) => checkUrl(scope, `config.externalUrls[${i}].url`, u.url));
  if (props.docsUrl) checkUrl(scope, 'config.docsUrl', props.docsUrl);
  if (props.jupyterlabUrl) checkUrl(scope, 'config.jupyterlabUrl', props.jupyterlabUrl);
}

function renderS3(s3: NonNullable<SharingHubWiring['s3']>): Record<string, unknown> {
  return {
    enable: true,
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    ...(s3.presignedExpirationSeconds !== undefined ? { 'presigned-expiration': s3.presignedExpirationSeconds } : {}),
    ...(s3.uploadChunkSizeBytes !== undefined ? { 'upload-chunk-size': s3.uploadChunkSizeBytes } : {}),
  };
}

/** `stac`: the projects cache, search, extensions, the root catalog and the categories. */
function renderStac(scope: IConstruct, stac: SharingHubConfigProps['stac']): Record<string, unknown> {
  const cacheTimeout = durationIn(scope, 'config.stac.projectsCacheTimeout', stac.projectsCacheTimeout ?? Duration.minutes(5), 'seconds', 0, 86400);
  return {
    projects: { 'cache-timeout': cacheTimeout },
    ...(stac.searchPageSize !== undefined ? { search: { 'page-size': checkInteger(scope, 'config.stac.searchPageSize', stac.searchPageSize, 1, 1000) } } : {}),
    ...(stac.extensions && Object.keys(stac.extensions).length ? { extensions: Object.fromEntries(Object.keys(stac.extensions).sort().map((k) => [k, stac.extensions![k]])) } : {}),
    root: {
      id: stac.root.id ?? 'gitlab',
      title: stac.root.title,
      description: stac.root.description,
      ...(stac.root.logo ? { logo: stac.root.logo } : {}),
      ...locales(stac.root.locales),
    },
    categories: stac.categories.map((c, i) => ({
      [c.id]: {
        title: c.title,
        description: c.description,
        gitlab_topic: c.gitlabTopic,
        ...(c.logo ? { logo: c.logo } : {}),
        ...(c.icon ? { icon: c.icon } : {}),
        ...locales(c.locales),
        ...renderFeatures(scope, c.features, i),
      },
    })),
  };
}

/** A category's `features`, each `enable` or `disable`; none when no feature is set. */
function renderFeatures(scope: IConstruct, f: SharingHubCategoryFeatures | undefined, i: number): Record<string, unknown> {
  const set = (Object.keys(CATEGORY_FEATURES) as Array<keyof typeof CATEGORY_FEATURES>).filter((p) => f?.[p] !== undefined);
  set.forEach((p) => {
    if (typeof f![p] !== 'boolean') invalid(scope, `config.stac.categories[${i}].features.${p}`, 'must be true or false', f![p], `write ${p}: true (enable) or ${p}: false (disable)`);
  });
  return set.length ? { features: Object.fromEntries(set.map((p) => [CATEGORY_FEATURES[p], f![p] ? 'enable' : 'disable'])) } : {};
}

function renderTags(scope: IConstruct, tags: NonNullable<SharingHubConfigProps['tags']>): Record<string, unknown> {
  return {
    gitlab: { minimum_count: checkInteger(scope, 'config.tags.minimumCount', tags.minimumCount ?? 1, 0, 100000) },
    sections: tags.sections.map((s) => ({ name: s.name, enabled_for: [...s.enabledFor], keywords: [...s.keywords] })),
  };
}

function renderAlert(scope: IConstruct, alert: SharingHubAlert): Record<string, unknown> {
  return {
    timeout: durationIn(scope, 'config.alert.timeout', alert.timeout, 'days', 0, 3650),
    type: checkInstance(scope, 'config.alert.type', alert.type, SharingHubAlertType, 'a SharingHubAlertType', 'pass SharingHubAlertType.INFO').value,
    title: alert.title,
    message: alert.message,
    ...(alert.locales ? { locales: alert.locales } : {}),
  };
}

function renderExternalUrl(u: SharingHubExternalUrl): Record<string, unknown> {
  return {
    name: u.name,
    url: u.url,
    ...(u.footer ? { footer: true } : {}),
    ...(u.icon ? { icon: u.icon } : {}),
    ...(u.locales ? { locales: Object.fromEntries(Object.keys(u.locales).sort().map((k) => [k, { name: u.locales![k] }])) } : {}),
  };
}
