import type { Tenant } from '../../adapters/tenants.ts';

/**
 * A tenant's upstream identity providers: the customer's own OIDC issuers (Entra ID, Okta,
 * Keycloak, ...). The tenant document keeps `sso` as the import file gave it, one object or an
 * array, so this is the one place that reads it; anything malformed is skipped, not guessed at.
 */
export interface Upstream {
  /** Position in the tenant's list; the identifier page's buttons and stored attempts name it. */
  index: number;
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  scope: string;
  /** Email domains of the customer's SSO domain, lower-case. */
  domains: string[];
  /** Send the user to the upstream's end-session endpoint on logout. */
  endSession: boolean;
  /** What a just-in-time account gets; it is the tenant's to change afterwards. */
  profile?: string;
  groups: string[];
}

const DEFAULT_SCOPE = 'openid email profile';

const readStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function readScope(value: unknown): string {
  const scopes = typeof value === 'string' ? value.split(' ') : readStrings(value);
  const listed = scopes.filter(Boolean);
  if (!listed.length) return DEFAULT_SCOPE;
  // OIDC Core 1.0, section 3.1.2.1: without `openid` the request is not an OpenID request.
  return [...new Set(['openid', ...listed])].join(' ');
}

function readUpstream(raw: unknown, index: number, tenant: Tenant): Upstream | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const entry = raw as Record<string, unknown>;
  const { issuer, clientId, clientSecret } = entry;
  if (typeof issuer !== 'string' || typeof clientId !== 'string') return undefined;
  if (typeof clientSecret !== 'string' || !URL.canParse(issuer)) return undefined;

  return {
    index,
    issuer,
    clientId,
    clientSecret,
    name: typeof entry.name === 'string' && entry.name ? entry.name : tenant.name,
    scope: readScope(entry.scopes),
    domains: readStrings(entry.domains).map((domain) => domain.trim().toLowerCase()),
    endSession: entry.endSession === true,
    profile: typeof entry.profile === 'string' ? entry.profile : undefined,
    groups: readStrings(entry.groups),
  };
}

export function listUpstreams(tenant: Tenant): Upstream[] {
  const sso = tenant.sso;
  if (!sso) return [];
  const entries = Array.isArray(sso) ? (sso as unknown[]) : [sso];
  return entries
    .map((raw, index) => readUpstream(raw, index, tenant))
    .filter((upstream): upstream is Upstream => upstream !== undefined);
}

export function findUpstream(tenant: Tenant, index: number): Upstream | undefined {
  return listUpstreams(tenant).find((upstream) => upstream.index === index);
}

/** The domain after the last `@`, lower-case; undefined for anything that is not an address. */
function readEmailDomain(identifier: string): string | undefined {
  const at = identifier.lastIndexOf('@');
  if (at <= 0 || at === identifier.length - 1) return undefined;
  return identifier
    .slice(at + 1)
    .trim()
    .toLowerCase();
}

/** Home-realm discovery: the upstream whose SSO domain an email address belongs to. */
export function findUpstreamForEmail(tenant: Tenant, identifier: string): Upstream | undefined {
  const domain = readEmailDomain(identifier);
  if (!domain) return undefined;
  return listUpstreams(tenant).find((upstream) => upstream.domains.includes(domain));
}

/**
 * Whether a typed identifier or an account's email address is in one of the tenant's SSO
 * domains. Staff of the SSO domain sign in at their own identity provider only (the product
 * rule), so the password step refuses them with its usual generic failure.
 */
export function isSsoIdentifier(tenant: Tenant, identifier: string | undefined): boolean {
  return identifier ? findUpstreamForEmail(tenant, identifier) !== undefined : false;
}

/** Issuer identifiers compared as URLs, so a trailing slash on a bare host does not matter. */
export function isSameIssuer(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}
