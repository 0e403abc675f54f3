import * as oidc from 'openid-client';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { findTenant, type Tenant } from '../../adapters/tenants.ts';
import { findUser } from '../../adapters/users.ts';
import { log } from '../logger.ts';
import { loadUpstreamConfig } from './discovery.ts';
import { isSameIssuer, listUpstreams } from './upstreams.ts';

/**
 * Where to send a person who signs out, when they signed in through an upstream that asks for
 * it (`endSession: true`) and advertises an end_session_endpoint (OpenID Connect RP-Initiated
 * Logout 1.0). Without an ID token of the upstream to hint with, `client_id` tells the upstream
 * whose session it is (section 2; openid-client adds it). Needs the session, so call it before
 * the session is gone (oidc-provider's logoutSource). Any failure only means no upstream logout:
 * signing out here must never depend on the customer's identity provider being up.
 */
export async function findUpstreamEndSessionUrl(
  tenant: Tenant,
  ctx: Pick<KoaContextWithOIDC, 'oidc'>,
): Promise<string | undefined> {
  const accountId = ctx.oidc.session?.accountId;
  if (!accountId) return undefined;

  const user = await findUser(tenant._id, accountId);
  if (user?.origin !== 'federated' || !user.federatedIssuer) return undefined;
  // The provider's configuration keeps the tenant it was built with; settings may have changed.
  const current = (await findTenant(tenant._id)) ?? tenant;
  const upstream = listUpstreams(current).find(
    (candidate) => candidate.endSession && isSameIssuer(candidate.issuer, user.federatedIssuer!),
  );
  if (!upstream) return undefined;

  try {
    const config = await loadUpstreamConfig(upstream);
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config).href;
  } catch (error) {
    log.warn(
      { tenant: tenant._id, account: accountId, err: error },
      'Could not reach the identity provider for logout',
    );
    return undefined;
  }
}

const COOKIE = '_upstream_logout';
const cookieOptions = (tenantId: string) => ({
  path: `/realms/${tenantId}`,
  httpOnly: true,
  sameSite: 'lax' as const,
  signed: true,
  overwrite: true,
});

/**
 * oidc-provider ends the session before its success page, so the URL is worked out on the
 * confirmation page and carried over in a signed, short-lived cookie (signed so it can never
 * be turned into an open redirect). Call this from `logoutSource`.
 */
export async function rememberUpstreamLogout(
  ctx: KoaContextWithOIDC,
  tenant: Tenant,
): Promise<void> {
  const url = await findUpstreamEndSessionUrl(tenant, ctx);
  if (url) ctx.cookies.set(COOKIE, url, { ...cookieOptions(tenant._id), maxAge: 10 * 60 * 1000 });
}

/** From `postLogoutSuccessSource`: the upstream end-session URL to redirect to, at most once. */
export function takeUpstreamLogout(ctx: KoaContextWithOIDC, tenant: Tenant): string | undefined {
  const url = ctx.cookies.get(COOKIE, { signed: true });
  if (!url) return undefined;
  ctx.cookies.set(COOKIE, null, cookieOptions(tenant._id));
  return url;
}
