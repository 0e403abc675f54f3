import { z } from 'zod';
import { UserModel } from '../../../adapters/users.ts';
import { now } from '../../clock.ts';
import type { AdminContext } from '../actor.ts';
import { recordChange } from '../audit.ts';
import { exemptionInPast } from '../errors.ts';
import { parseInput } from '../input.ts';
import { parseInstant } from '../local-time.ts';
import { describeAdminUser, describeExemption } from './describe.ts';
import { recordExemptionEnd } from './exemption-end.ts';
import { loadTenant, loadUser } from './lookups.ts';

/** `until` is an instant, or a wall-clock time in the tenant's time zone. */
export const exemptionInput = z.strictObject({
  until: z.string().min(1),
  reason: z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(200, { error: 'must be at most 200 characters' }),
});

/**
 * An operator exempts one account from the email code until a date, with a reason. A new
 * exemption replaces the one before (whose end, if it had ended, is recorded first).
 */
export async function grantExemption(
  admin: AdminContext,
  tenantId: string,
  username: string,
  input: unknown,
) {
  const tenant = await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  const entry = parseInput(exemptionInput, input);
  const until = parseInstant(entry.until, tenant.timeZone, 'until');
  if (until <= now()) throw exemptionInPast();
  await recordExemptionEnd(user);

  const exemption = { until, reason: entry.reason, by: admin.actor.name };
  await UserModel.updateOne({ _id: user._id, tenant: tenantId }, { $set: { exemption } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.user-exempted',
    target: `user:${user.username}`,
    account: user._id,
    changes: {
      exemption: { from: describeExemption(user) ?? null, to: describeExemption({ exemption }) },
    },
  });
  return describeAdminUser({ ...user, exemption });
}

/** Ends an exemption early. One that has ended already gets its end recorded first, in order. */
export async function removeExemption(admin: AdminContext, tenantId: string, username: string) {
  await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  if (!user.exemption) return describeAdminUser(user);
  await recordExemptionEnd(user);

  await UserModel.updateOne({ _id: user._id, tenant: tenantId }, { $unset: { exemption: 1 } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.exemption-removed',
    target: `user:${user.username}`,
    account: user._id,
    changes: { exemption: { from: describeExemption(user), to: null } },
  });
  return describeAdminUser({ ...user, exemption: undefined });
}
