import { z } from 'zod';
import { findAuditEvents, type AuditType } from '../../../adapters/audit-events.ts';
import { lookupKey, UserModel, type User } from '../../../adapters/users.ts';
import { parseInput } from '../input.ts';
import { parseInstant } from '../local-time.ts';
import { recordEndedExemptions } from './exemption-end.ts';
import { loadTenant } from './lookups.ts';

export const auditQueryInput = z.strictObject({
  account: z.string().min(1).optional(),
  type: z
    .string()
    .regex(/^[a-z]+\.[a-z-]+$/, { error: 'must be an event type such as admin.user-updated' })
    .optional(),
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/**
 * A tenant's audit events, newest first. `account` is a username or an account id; `from` and
 * `to` are instants or wall-clock times in the tenant's time zone (`to` exclusive). Ended
 * exemptions are recorded first, so the answer is complete whenever someone looks.
 */
export async function queryAuditEvents(tenantId: string, input: unknown) {
  const tenant = await loadTenant(tenantId);
  const query = parseInput(auditQueryInput, input);
  const from = query.from ? parseInstant(query.from, tenant.timeZone, 'from') : undefined;
  const to = query.to ? parseInstant(query.to, tenant.timeZone, 'to') : undefined;
  await recordEndedExemptions(tenantId);

  const named = query.account
    ? await UserModel.findOne({
        tenant: tenantId,
        usernameKey: lookupKey(query.account),
      }).lean<User>()
    : null;
  const events = await findAuditEvents({
    tenant: tenantId,
    account: named?._id ?? query.account,
    type: query.type as AuditType | undefined,
    from,
    to,
    limit: query.limit,
  });
  return events.map(({ _id, ...event }) => ({ id: _id, ...event, at: event.at.toISOString() }));
}
