import { TenantModel } from '../../../adapters/tenants.ts';
import { now } from '../../clock.ts';
import type { AdminContext } from '../actor.ts';
import { compareFields, recordChange } from '../audit.ts';
import { effectiveDateInPast } from '../errors.ts';
import { describePolicy } from './describe.ts';
import { loadTenant } from './lookups.ts';
import { readPolicy } from './policy-input.ts';

export async function showPolicy(tenantId: string) {
  return describePolicy(await loadTenant(tenantId));
}

/**
 * Replaces the tenant's policy in one write. A start date in the past would ask people for a
 * code at once, without the notice a date is meant to give, so it needs `confirm`. The prompt
 * reads the policy on every authorization request, so the change reaches existing sessions.
 */
export async function setPolicy(admin: AdminContext, tenantId: string, input: unknown) {
  const tenant = await loadTenant(tenantId);
  const { policy, confirm } = await readPolicy(tenant, input);
  const past = policy.effectiveFrom && policy.effectiveFrom < now();
  if (past && !confirm) throw effectiveDateInPast(policy.effectiveFrom!.toISOString());

  await TenantModel.updateOne({ _id: tenantId }, { $set: { twoFactor: policy } });
  const after = describePolicy({ twoFactor: policy, timeZone: tenant.timeZone });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.policy-changed',
    target: 'policy',
    changes: compareFields(describePolicy(tenant), after),
    ...(past && { detail: { confirmedPastDate: true } }),
  });
  return after;
}
