import { recordAuditEvent } from '../../../adapters/audit-events.ts';
import { claimOnce } from '../../../adapters/claims.ts';
import { trusted } from '../../../adapters/connection.ts';
import { UserModel, type User } from '../../../adapters/users.ts';
import { now } from '../../clock.ts';
import { log } from '../../logger.ts';

/**
 * The end marker outlives any audit retention, so the sweeper never lets an end be recorded twice.
 */
const MARKER_LIFETIME_MS = 20 * 365 * 24 * 60 * 60 * 1000;

/**
 * An exemption ends by itself at `until`: the decision reads the date, so no job has to run.
 * Its end is recorded in the audit trail the first time something looks at the account after
 * that (a decision, explain, preview or an audit query). The claim makes that exactly once,
 * across parallel requests and processes (adapters/claims.ts).
 */
export async function recordExemptionEnd(
  user: Pick<User, '_id' | 'tenant' | 'username' | 'exemption'>,
) {
  const exemption = user.exemption;
  if (!exemption) return;
  const until = new Date(exemption.until);
  if (now() < until) return;

  const key = `exemption-ended:${user.tenant}:${user._id}:${until.toISOString()}`;
  if (!(await claimOnce(key, new Date(until.getTime() + MARKER_LIFETIME_MS)))) return;
  await recordAuditEvent({
    tenant: user.tenant,
    type: 'admin.exemption-ended',
    account: user._id,
    actor: 'system',
    target: `user:${user.username}`,
    detail: { until: until.toISOString(), reason: exemption.reason, grantedBy: exemption.by },
  });
}

/** For callers that cannot wait (the synchronous decision): failures are logged, never thrown. */
export function noteExemptionEnd(
  user: Pick<User, '_id' | 'tenant' | 'username' | 'exemption'>,
): void {
  if (!user.exemption || now() < new Date(user.exemption.until)) return;
  recordExemptionEnd(user).catch((error: unknown) =>
    log.warn(
      { err: error, tenant: user.tenant, account: user._id },
      'Could not record an exemption end',
    ),
  );
}

/** The sweep behind audit queries: every exemption of the tenant that has ended by now. */
export async function recordEndedExemptions(tenantId: string): Promise<void> {
  const ended = await UserModel.find({
    tenant: tenantId,
    'exemption.until': trusted({ $lte: now() }),
  }).lean<User[]>();
  for (const user of ended) await recordExemptionEnd(user);
}
