import { recordAuditEvent, type AdminAuditType } from '../../adapters/audit-events.ts';
import type { AdminContext } from './actor.ts';

/** One field's change, as the audit trail keeps it. */
export interface Change {
  from?: unknown;
  to?: unknown;
}

/**
 * Records one administration change in the changed tenant's audit trail: who, what, and each
 * field before and after. Callers never pass a password, hash or client secret.
 */
export async function recordChange(
  admin: AdminContext,
  event: {
    tenant: string;
    type: AdminAuditType;
    target: string;
    account?: string;
    changes?: Record<string, Change | unknown>;
    detail?: Record<string, string | number | boolean>;
  },
): Promise<void> {
  await recordAuditEvent({
    tenant: event.tenant,
    type: event.type,
    actor: admin.actor.name,
    target: event.target,
    ...(event.account && { account: event.account }),
    ...(event.changes && { changes: event.changes }),
    ...(event.detail && { detail: event.detail }),
  });
}

/** The fields that differ between two plain records, as `{ field: { from, to } }`. */
export function compareFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, Change> {
  const changes: Record<string, Change> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      // An absent side is left out rather than stored as null.
      changes[key] = {
        ...(before[key] !== undefined && { from: before[key] }),
        ...(after[key] !== undefined && { to: after[key] }),
      };
    }
  }
  return changes;
}
