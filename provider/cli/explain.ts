import { findTenant } from '../../adapters/tenants.ts';
import { findLocalUser, UserModel, lookupKey, type User } from '../../adapters/users.ts';
import { now } from '../clock.ts';
import { decideEmailCode } from '../two-factor/decision.ts';
import { accountFacts, policyOf } from '../two-factor/facts.ts';

/** `idp explain`: the decision for a user now, with the facts it used. */
export async function explainUser(tenantId: string, username: string, clientId = '') {
  const tenant = await findTenant(tenantId);
  if (!tenant) throw new Error(`unknown tenant "${tenantId}"`);
  const user: User | null =
    (await findLocalUser(tenantId, username)) ??
    (await UserModel.findOne({ tenant: tenantId, usernameKey: lookupKey(username) }).lean<User>());
  if (!user) throw new Error(`unknown user "${username}" in tenant "${tenantId}"`);

  const policy = policyOf(tenant);
  const facts = accountFacts(tenant.profiles, user);
  const decision = decideEmailCode({
    policy,
    account: facts,
    clientId,
    signIn: user.origin === 'federated' ? 'federated' : 'password',
    clientRequestsCode: false,
    now: now(),
  });
  const effective = policy?.effectiveFrom;
  return {
    tenant: tenantId,
    user: user.username,
    required: decision.required,
    reason: decision.reason,
    facts: {
      method: policy?.method ?? 'unreadable',
      group: policy?.group,
      effectiveFrom: effective?.toISOString(),
      effectiveFromLocal: effective?.toLocaleString('en-GB', {
        timeZone: tenant.timeZone,
        timeZoneName: 'short',
      }),
      timeZone: tenant.timeZone,
      accountType: facts.type,
      origin: user.origin,
      groups: facts.groups,
      profile: user.profile,
      profileGroups: facts.profileGroups,
      hasEmail: Boolean(user.email),
    },
  };
}
