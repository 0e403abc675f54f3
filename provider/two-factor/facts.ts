import type { Tenant } from '../../adapters/tenants.ts';
import type { User } from '../../adapters/users.ts';
import type { AccountFacts, TwoFactorPolicy } from './decision.ts';

/** The policy as the decision reads it; `undefined` (fail closed) if the stored one is unusable. */
export function policyOf(
  tenant: Pick<Tenant, 'twoFactor'> | null | undefined,
): TwoFactorPolicy | undefined {
  const stored = tenant?.twoFactor;
  if (!stored || !['off', 'all', 'group'].includes(stored.method)) return undefined;
  if (stored.method === 'group' && !stored.group) return undefined;
  return {
    method: stored.method,
    group: stored.group ?? undefined,
    effectiveFrom: stored.effectiveFrom ?? undefined,
    clients: stored.clients ?? undefined,
  };
}

export function accountFacts(profiles: Tenant['profiles'], user: User): AccountFacts {
  const profile = user.profile ? profiles.find((p) => p.code === user.profile) : undefined;
  return {
    type: user.type === 'partner' ? 'partner' : 'standard',
    groups: user.groups ?? [],
    profileGroups: profile?.groups ?? [],
    ...(user.exemption?.until && { exemptUntil: new Date(user.exemption.until) }),
  };
}
