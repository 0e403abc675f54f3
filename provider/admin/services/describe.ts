import type { ClientMetadata } from 'oidc-provider';
import type { Tenant } from '../../../adapters/tenants.ts';
import type { User } from '../../../adapters/users.ts';
import { now } from '../../clock.ts';
import { formatLocal } from '../local-time.ts';

/**
 * What the administration side shows of stored records. Password hashes, client secrets and
 * private keys never leave: a secret is only reported as present.
 */

export function describePolicy(tenant: Pick<Tenant, 'twoFactor' | 'timeZone'>) {
  const policy = tenant.twoFactor ?? { method: 'off' };
  const effectiveFrom = policy.effectiveFrom ? new Date(policy.effectiveFrom) : undefined;
  return {
    method: policy.method,
    ...(policy.group && { group: policy.group }),
    ...(effectiveFrom && {
      effectiveFrom: effectiveFrom.toISOString(),
      effectiveFromLocal: formatLocal(effectiveFrom, tenant.timeZone),
    }),
    ...(policy.clients?.length && { clients: [...policy.clients] }),
  };
}

export function describeSso(sso: unknown): unknown {
  if (sso === undefined || sso === null) return null;
  const redact = (upstream: Record<string, unknown>) => {
    const { clientSecret, ...rest } = upstream;
    return { ...rest, hasClientSecret: Boolean(clientSecret) };
  };
  return Array.isArray(sso) ? sso.map(redact) : redact(sso as Record<string, unknown>);
}

export function describeTenant(tenant: Tenant) {
  return {
    id: tenant._id,
    name: tenant.name,
    locale: tenant.locale,
    timeZone: tenant.timeZone,
    disabled: Boolean(tenant.disabled),
    twoFactor: describePolicy(tenant),
    sso: describeSso(tenant.sso),
    groups: tenant.groups.map(({ code, name }) => ({ code, name })),
    profiles: tenant.profiles.map(({ code, name, groups }) => ({ code, name, groups })),
  };
}

export function describeExemption(user: Pick<User, 'exemption'>) {
  const exemption = user.exemption;
  if (!exemption) return undefined;
  const until = new Date(exemption.until);
  return {
    until: until.toISOString(),
    reason: exemption.reason,
    by: exemption.by,
    active: now() < until,
  };
}

export function describeAdminUser(user: User) {
  return {
    id: user._id,
    username: user.username,
    ...(user.email && { email: user.email }),
    ...(user.name && { name: user.name }),
    type: user.type,
    origin: user.origin,
    ...(user.profile && { profile: user.profile }),
    groups: user.groups ?? [],
    roles: user.roles ?? [],
    disabled: Boolean(user.disabled),
    hasPassword: Boolean(user.passwordHash),
    ...(user.exemption && { exemption: describeExemption(user) }),
  };
}

export function describeAdminClient(metadata: ClientMetadata) {
  const { client_secret: secret, ...rest } = metadata;
  return { ...rest, has_client_secret: Boolean(secret) };
}
