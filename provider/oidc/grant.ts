import type Provider from 'oidc-provider';
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

export interface GrantRequest {
  provider: Provider;
  clientId: string;
  accountId: string;
  scope: unknown;
  /** The `claims` request parameter, parsed (OIDC Core 1.0, section 5.5). */
  claims: { id_token?: object; userinfo?: object };
  grantId?: string;
}

/**
 * Tenant clients are the customer's own business applications, registered by the operator, so
 * the scopes and claims they request are granted without a consent screen. One function serves
 * both `loadExistingGrant` and the consent step, so both grant the same.
 */
export async function grantRequested(request: GrantRequest): Promise<Grant> {
  const { provider, clientId, accountId } = request;
  const existing = request.grantId ? await provider.Grant.find(request.grantId) : undefined;
  const grant =
    existing && existing.accountId === accountId && existing.clientId === clientId
      ? existing
      : new provider.Grant({ clientId, accountId });

  const before = JSON.stringify([grant.getOIDCScope(), grant.getOIDCClaims()]);
  if (typeof request.scope === 'string') grant.addOIDCScope(request.scope);
  const claims = [
    ...Object.keys(request.claims.id_token ?? {}),
    ...Object.keys(request.claims.userinfo ?? {}),
  ];
  if (claims.length) grant.addOIDCClaims(claims);
  // An unchanged grant is not written again: most authorizations only read it.
  const changed =
    grant !== existing || JSON.stringify([grant.getOIDCScope(), grant.getOIDCClaims()]) !== before;
  if (changed) await grant.save();
  return grant;
}

export function parseClaimsParameter(value: unknown): GrantRequest['claims'] {
  if (typeof value !== 'string') return {};
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as GrantRequest['claims']) : {};
  } catch {
    return {};
  }
}

export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const accountId = oidc.session?.accountId;
  if (!accountId || !oidc.client) return undefined;
  return grantRequested({
    provider: oidc.provider,
    clientId: oidc.client.clientId,
    accountId,
    scope: oidc.params?.scope,
    claims: parseClaimsParameter(oidc.params?.claims),
    grantId:
      (oidc.result?.consent as { grantId?: string } | undefined)?.grantId ??
      oidc.session!.grantIdFor(oidc.client.clientId),
  });
}
