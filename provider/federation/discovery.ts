import * as oidc from 'openid-client';
import { nowMs } from '../clock.ts';
import type { Upstream } from './upstreams.ts';

/**
 * openid-client configurations of upstream issuers, from their discovery documents. They are
 * cached briefly so a login does not fetch the document twice; the cache holds only public
 * metadata, so another process that lacks it simply discovers again. A failure is never cached.
 */
const CACHE_MS = 5 * 60 * 1000;
const TIMEOUT_S = 10;

const cache = new Map<string, { config: Promise<oidc.Configuration>; at: number }>();

const keyOf = (upstream: Upstream) =>
  [upstream.issuer, upstream.clientId, upstream.clientSecret].join('\n');

const loopbackHosts = ['127.0.0.1', 'localhost', '[::1]'];

function discover(upstream: Upstream): Promise<oidc.Configuration> {
  const issuer = new URL(upstream.issuer);
  // Plain http only for an issuer on this machine (tests, a local Keycloak); the import file
  // refuses other http issuers, and this refuses them again for settings written another way.
  const insecure = issuer.protocol === 'http:' && loopbackHosts.includes(issuer.hostname);
  return oidc.discovery(
    issuer,
    upstream.clientId,
    undefined,
    // client_secret_basic is the default of OIDC Core 1.0, section 9.
    oidc.ClientSecretBasic(upstream.clientSecret),
    { timeout: TIMEOUT_S, ...(insecure && { execute: [oidc.allowInsecureRequests] }) },
  );
}

export async function loadUpstreamConfig(upstream: Upstream): Promise<oidc.Configuration> {
  const key = keyOf(upstream);
  const cached = cache.get(key);
  if (cached && nowMs() - cached.at < CACHE_MS) return cached.config;

  const config = discover(upstream);
  cache.set(key, { config, at: nowMs() });
  config.catch(() => cache.get(key)?.config === config && cache.delete(key));
  return config;
}

/** After the upstream failed us: the next login discovers again (keys or endpoints may move). */
export function forgetUpstreamConfig(upstream: Upstream): void {
  cache.delete(keyOf(upstream));
}

/**
 * The redirect URI registered at every upstream: one fixed URL per tenant, because identity
 * providers match redirect URIs exactly and the interaction id changes with every sign-in. It
 * sits under the interaction path (segment `federated` in place of an interaction id) so the
 * interaction router serves it; it relays the browser to the interaction named in `state`.
 */
export function buildFederatedCallbackUrl(tenantIssuer: string): string {
  return `${tenantIssuer}/interaction/federated/callback`;
}
