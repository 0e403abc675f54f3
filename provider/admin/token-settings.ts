import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { findUser } from '../../adapters/users.ts';

/**
 * Access tokens for the administration API, issued by each tenant's own provider (RFC 8707
 * resource indicators): an authorization-code flow with `resource={PUBLIC_URL}/admin` and scope
 * `admin` yields a signed JWT access token (RFC 9068) with that audience, carrying the user's
 * `roles` and `tenant`. Only applications registered with `admin_api: true` may ask for one, so
 * no other application of the tenant can collect a tenant administrator's powers.
 */

export const ADMIN_SCOPE = 'admin';
/** Short, as administration needs no long sessions; a new token is one silent request away. */
export const ADMIN_TOKEN_TTL_S = 10 * 60;

export const adminAudience = (publicUrl: string) => `${publicUrl}/admin`;

/** `{PUBLIC_URL}/realms/{tenant}` → `{PUBLIC_URL}/admin`. */
export const adminAudienceFor = (issuer: string) =>
  adminAudience(issuer.replace(/\/realms\/[^/]+$/, ''));

const isSameUrl = (a: string, b: string) => URL.parse(a)?.href === URL.parse(b)?.href;

function allowsAdminApi(client: { metadata(): Record<string, unknown> } | undefined): boolean {
  return client?.metadata().admin_api === true;
}

export const adminClientMetadata: Configuration['extraClientMetadata'] = {
  properties: ['admin_api'],
  validator(_ctx, key, value) {
    if (key === 'admin_api' && value !== undefined && typeof value !== 'boolean') {
      throw new errors.InvalidClientMetadata('admin_api must be a boolean');
    }
  },
};

export const adminResourceIndicators: NonNullable<Configuration['features']>['resourceIndicators'] =
  {
    enabled: true,
    async getResourceServerInfo(ctx, resourceIndicator, client) {
      const audience = adminAudienceFor(ctx.oidc.provider.issuer);
      if (!isSameUrl(resourceIndicator, audience) || !allowsAdminApi(client)) {
        throw new errors.InvalidTarget('this application cannot ask for that resource');
      }
      return {
        scope: ADMIN_SCOPE,
        audience,
        accessTokenTTL: ADMIN_TOKEN_TTL_S,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      };
    },
    // The code was granted for the admin resource, so its token is for that resource even when
    // the token request does not repeat `resource`.
    useGrantedResource: () => true,
  };

/**
 * `roles` and `tenant` in admin access tokens; the API still checks the account's current roles.
 */
export function buildAdminTokenClaims(tenantId: string): Configuration['extraTokenClaims'] {
  return async (ctx, token) => {
    const audience = adminAudienceFor(ctx.oidc.provider.issuer);
    const server = (token as { resourceServer?: { audience?: string } }).resourceServer;
    if (token.kind !== 'AccessToken' || server?.audience !== audience) return undefined;
    const user = await findUser(tenantId, String(token.accountId));
    return { tenant: tenantId, roles: user?.roles ?? [] };
  };
}

type GrantLoader = NonNullable<Configuration['loadExistingGrant']>;

/**
 * Tenant applications get what they request without a consent screen (provider/oidc/grant.ts);
 * for an admin-capable application that includes the admin resource's scope, so asking for it
 * never stops at a consent prompt.
 */
export function withAdminResource(load: GrantLoader): GrantLoader {
  return async (ctx: KoaContextWithOIDC) => {
    const grant = await load(ctx);
    const resource = ctx.oidc.params?.resource;
    const audience = adminAudienceFor(ctx.oidc.provider.issuer);
    if (!grant || typeof resource !== 'string' || !isSameUrl(resource, audience)) return grant;
    if (!allowsAdminApi(ctx.oidc.client as never)) return grant;
    grant.addResourceScope(audience, ADMIN_SCOPE);
    await grant.save();
    return grant;
  };
}
