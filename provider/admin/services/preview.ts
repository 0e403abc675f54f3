import { UserModel, type User } from '../../../adapters/users.ts';
import { now } from '../../clock.ts';
import { policyOf } from '../../two-factor/facts.ts';
import { formatLocal } from '../local-time.ts';
import { listClientsInQuestion, decideAcross } from './decisions.ts';
import { recordExemptionEnd } from './exemption-end.ts';
import { loadTenant, requireClient } from './lookups.ts';
import { readPolicy } from './policy-input.ts';

interface Row {
  username: string;
  reason: string;
  /** For those who would stop needing a code: why they need one now. */
  before?: string;
}

/**
 * What a policy change would do, before it is made: for every active user, the decision now
 * (current policy) against the decision under the new policy at its effective date.
 * `notAskedUntilEffective` lists who needs a code now but would not between storing the new
 * policy and its start: a tenant has one policy, and before its date nobody is asked.
 */
export async function previewPolicy(tenantId: string, input: unknown, clientId?: string) {
  const tenant = await loadTenant(tenantId);
  const { policy } = await readPolicy(tenant, input);
  if (clientId) await requireClient(tenantId, clientId);
  const clients = await listClientsInQuestion(tenantId, clientId);
  const current = policyOf(tenant);
  const at = new Date(Math.max(policy.effectiveFrom?.getTime() ?? 0, now().getTime()));
  const users = await UserModel.find({ tenant: tenantId, disabled: false })
    .sort({ usernameKey: 1 })
    .lean<User[]>();

  const needCode: Row[] = [];
  const startNeeding: Row[] = [];
  const stopNeeding: Row[] = [];
  const notAskedUntilEffective: string[] = [];
  for (const user of users) {
    await recordExemptionEnd(user);
    const before = decideAcross({ tenant, user, policy: current, clients, at: now() });
    const after = decideAcross({ tenant, user, policy, clients, at });
    const row = { username: user.username, reason: after.reason };
    if (after.required) needCode.push(row);
    if (after.required && !before.required) startNeeding.push(row);
    if (!after.required && before.required) stopNeeding.push({ ...row, before: before.reason });
    if (before.required && at > now()) notAskedUntilEffective.push(user.username);
  }

  return {
    tenant: tenantId,
    ...(clientId && { client: clientId }),
    effectiveFrom: at.toISOString(),
    effectiveFromLocal: formatLocal(at, tenant.timeZone),
    users: users.length,
    needCode: { count: needCode.length, users: needCode },
    startNeeding: { count: startNeeding.length, users: startNeeding },
    stopNeeding: { count: stopNeeding.length, users: stopNeeding },
    notAskedUntilEffective: { count: notAskedUntilEffective.length, users: notAskedUntilEffective },
  };
}
