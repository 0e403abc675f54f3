import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { now } from '../provider/clock.ts';
import { log } from '../provider/logger.ts';
import { countAuditEvent } from '../provider/observability/signals.ts';

/**
 * Audit events, kept in the database for operators: what happened to which account of which
 * tenant, from where. Never a code, password or token. Kept until an operator removes them.
 */
export type AuditType =
  | 'password.failed'
  | 'password.locked'
  | 'code.sent'
  | 'code.failed'
  | 'code.locked'
  | 'code.send-limited'
  | 'code.send-failed'
  | 'signin.succeeded'
  | AdminAuditType;

/** Changes made through the administration API or CLI, and refusals of it. */
export const adminAuditTypes = [
  'admin.tenant-created',
  'admin.tenant-disabled',
  'admin.client-created',
  'admin.client-updated',
  'admin.client-removed',
  'admin.user-created',
  'admin.user-updated',
  'admin.user-disabled',
  'admin.user-enabled',
  'admin.password-reset',
  'admin.user-exempted',
  'admin.exemption-removed',
  'admin.exemption-ended',
  'admin.group-created',
  'admin.group-removed',
  'admin.profile-created',
  'admin.profile-updated',
  'admin.policy-changed',
  'admin.sso-changed',
  'admin.forbidden',
] as const;

export type AdminAuditType = (typeof adminAuditTypes)[number];

export interface AuditEvent {
  _id: string;
  at: Date;
  tenant: string;
  type: AuditType;
  account?: string;
  client?: string;
  ip?: string;
  userAgent?: string;
  interaction?: string;
  detail?: Record<string, string | number | boolean>;
  /** Administration events: who acted (`tenant/username`, `cli:user` or `system`). */
  actor?: string;
  /** Administration events: what was changed, e.g. `user:jan` or `policy`. */
  target?: string;
  /** Administration events: each changed field as `{ from, to }` (never a password). */
  changes?: Record<string, unknown>;
}

const events = () => mongoose.connection.collection<AuditEvent>('audit_events');

/** Records an event; a failure to record is logged but never breaks the sign-in it describes. */
export async function recordAuditEvent(event: Omit<AuditEvent, '_id' | 'at'>): Promise<void> {
  const entry: AuditEvent = { _id: randomUUID(), at: now(), ...event };
  if (entry.userAgent) entry.userAgent = entry.userAgent.slice(0, 256);
  countAuditEvent(event.type, event.tenant, event.detail);
  try {
    await events().insertOne(entry);
  } catch (error) {
    log.error(
      { err: error, tenant: event.tenant, type: event.type },
      'Could not record an audit event',
    );
  }
}

export async function findAuditEvents(filter: {
  tenant: string;
  account?: string;
  type?: AuditType;
  from?: Date;
  to?: Date;
  limit?: number;
}): Promise<AuditEvent[]> {
  const query: Record<string, unknown> = { tenant: filter.tenant };
  if (filter.account) query.account = filter.account;
  if (filter.type) query.type = filter.type;
  if (filter.from || filter.to) {
    query.at = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lt: filter.to }) };
  }
  return events()
    .find(query)
    .sort({ at: -1 })
    .limit(filter.limit ?? 100)
    .toArray();
}

export async function ensureAuditIndexes(): Promise<void> {
  await events().createIndex({ tenant: 1, at: -1 });
  await events().createIndex({ tenant: 1, account: 1, at: -1 });
}
