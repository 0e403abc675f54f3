import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { findTenant, type Tenant } from '../../adapters/tenants.ts';
import { userForRequest } from './request-memo.ts';
import { adapterFor } from '../../adapters/oidc-adapter.ts';
import { acrValues } from '../acr.ts';
import { accountFacts } from '../two-factor/facts.ts';
import type { Secrets } from '../runtime.ts';
import { buildInteractionPolicy } from './interaction-policy.ts';
import { loadExistingGrant } from './grant.ts';
import { renderLogoutPage, renderProviderError } from './pages.ts';
import {
  adminClientMetadata,
  adminResourceIndicators,
  buildAdminTokenClaims,
  withAdminResource,
} from '../admin/token-settings.ts';
import { rememberUpstreamLogout, takeUpstreamLogout } from '../federation/end-session.ts';

export const tenantPath = (tenantId: string) => `/realms/${tenantId}`;

/** oidc-provider settings for one tenant. Nothing here is shared between tenants but secrets. */
export function buildConfiguration(tenant: Tenant, secrets: Secrets): Configuration {
  const tenantId = tenant._id;
  const path = tenantPath(tenantId);

  return {
    adapter: adapterFor(tenantId),
    jwks: { keys: tenant.signingKeys as never[] },
    cookies: {
      keys: secrets.cookieKeys,
      names: { session: '_session', interaction: '_interaction', resume: '_interaction_resume' },
      // The session cookie is scoped to the tenant, so signing in to one tenant never
      // replaces another tenant's session on the same host.
      long: { httpOnly: true, sameSite: 'lax', path },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    async findAccount(ctx: KoaContextWithOIDC, sub: string) {
      const user = await userForRequest(ctx.req, tenantId, sub);
      if (!user || user.disabled) return undefined;
      return {
        accountId: sub,
        async claims() {
          const facts = accountFacts(((await findTenant(tenantId)) ?? tenant).profiles, user);
          return {
            sub,
            preferred_username: user.username,
            name: user.name ?? user.username,
            email: user.email ?? undefined,
            groups: [...new Set([...facts.groups, ...facts.profileGroups])],
          };
        },
      };
    },
    // acr and amr ride on the openid scope, so every ID token says how the user signed in.
    claims: {
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub', 'acr', 'amr'],
      email: ['email'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    acrValues,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      // An application may revoke only the tokens issued to it (RFC 7009, section 2.1).
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      // JWT access tokens for the administration API (provider/admin/token-settings.ts).
      resourceIndicators: adminResourceIndicators,
      rpInitiatedLogout: {
        enabled: true,
        // The upstream end-session URL (tenant setting) must be found while the session exists.
        async logoutSource(ctx, form) {
          await rememberUpstreamLogout(ctx, tenant);
          await renderLogoutPage(ctx, tenant, form);
        },
        async postLogoutSuccessSource(ctx) {
          const upstream = takeUpstreamLogout(ctx, tenant);
          if (upstream) return ctx.redirect(upstream);
          await renderLogoutPage(ctx, tenant);
        },
      },
    },
    extraClientMetadata: adminClientMetadata,
    extraTokenClaims: buildAdminTokenClaims(tenantId),
    interactions: {
      url: (_ctx, interaction) => `${path}/interaction/${interaction.uid}`,
      policy: buildInteractionPolicy(tenantId),
    },
    loadExistingGrant: withAdminResource(loadExistingGrant),
    renderError: (ctx, out, error) => renderProviderError(ctx, tenant, out, error),
    rotateRefreshToken: true,
    ttl: {
      // A resource server's own lifetime wins (admin tokens are short: admin/token-settings.ts).
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
      Session: 14 * 24 * 60 * 60,
    },
  };
}
