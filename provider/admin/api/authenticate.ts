import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JWK } from 'jose';
import { findTenant } from '../../../adapters/tenants.ts';
import { findUser } from '../../../adapters/users.ts';
import { now } from '../../clock.ts';
import { TENANT_ID } from '../../tenant-registry.ts';
import { ADMIN_TENANT, OPERATOR_ROLE, TENANT_ADMIN_ROLE, type Actor } from '../actor.ts';
import { invalidToken, tokenExpired, unauthenticated } from '../errors.ts';
import { ADMIN_SCOPE, adminAudience } from '../token-settings.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A tenant's verification keys: its signing keys without their private parts. */
function stripPrivateParts(keys: object[]): JWK[] {
  return keys.map(
    (key) =>
      Object.fromEntries(
        Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.includes(name)),
      ) as JWK,
  );
}

/**
 * Who sent an administration request. The bearer token must be a JWT access token (RFC 9068)
 * from one of our tenants: signed with that tenant's key, issued by `{PUBLIC_URL}/realms/{t}`,
 * for the audience `{PUBLIC_URL}/admin`, not expired by the product clock (so tests can expire
 * it), with scope `admin`. Roles count only while the account still holds them and is active,
 * so taking a role away or disabling an account takes effect before the token expires.
 */
export async function authenticate(
  authorization: string | undefined,
  publicUrl: string,
): Promise<Actor> {
  const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw unauthenticated();

  let issuer: string;
  try {
    issuer = String(decodeJwt(token).iss ?? '');
  } catch {
    throw invalidToken('not a JWT');
  }
  const prefix = `${publicUrl}/realms/`;
  const tenantId = issuer.startsWith(prefix) ? issuer.slice(prefix.length) : '';
  const tenant = TENANT_ID.test(tenantId) ? await findTenant(tenantId) : null;
  if (!tenant) throw invalidToken('issuer is not an active tenant');

  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(
      token,
      createLocalJWKSet({ keys: stripPrivateParts(tenant.signingKeys) }),
      {
        issuer,
        audience: adminAudience(publicUrl),
        algorithms: ['RS256'],
        typ: 'at+jwt',
        currentDate: now(),
      },
    ));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw tokenExpired();
    throw invalidToken((error as Error).message);
  }
  if (
    !String(claims.scope ?? '')
      .split(' ')
      .includes(ADMIN_SCOPE)
  )
    throw invalidToken('no admin scope');

  const user = await findUser(tenantId, String(claims.sub));
  if (!user || user.disabled) throw invalidToken('the account is gone or disabled');
  const granted = Array.isArray(claims.roles) ? claims.roles : [];
  const holds = (role: string) => granted.includes(role) && (user.roles ?? []).includes(role);

  const role =
    tenantId === ADMIN_TENANT
      ? holds(OPERATOR_ROLE) && 'operator'
      : holds(TENANT_ADMIN_ROLE) && 'tenant-admin';
  return {
    role: role || 'none',
    name: `${tenantId}/${user.username}`,
    tenant: tenantId,
    account: user._id,
  };
}
