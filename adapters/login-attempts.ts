import mongoose from 'mongoose';
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { claimOnce, claimSlot } from './claims.ts';

/**
 * The state of one sign-in in progress, keyed by tenant and interaction: the identifier typed, the
 * account whose password was verified and the email code. The code is only kept as a keyed hash
 * bound to tenant, interaction and account. Every change is one single-document write; the limits
 * (tries, sends, single use) are enforced by claims (claims.ts), which hold under parallel requests
 * and across processes even where the server's updates are not atomic.
 * The document expires with the interaction (`expiresAt`, checked on read, swept later).
 */

export const CODE_TTL_MS = 10 * 60 * 1000;
export const RESEND_AFTER_MS = 30 * 1000;
export const MAX_CODE_TRIES = 5;

export interface LoginAttempt {
  _id: string;
  tenant: string;
  uid: string;
  identifier?: string;
  accountId?: string;
  accountAt?: Date;
  /** New each time an account is bound: claims of an earlier binding never count for this one. */
  binding?: string;
  codeId?: string;
  codeHash?: string;
  codeTag?: string;
  codeSentAt?: Date;
  codeExpiresAt?: Date;
  codeTries?: number;
  codeSends?: number;
  expiresAt: Date;
}

const attempts = () => mongoose.connection.collection<LoginAttempt>('login_attempts');
const keyOf = (tenant: string, uid: string) => `${tenant}:${uid}`;

/** By `_id` alone (FerretDB 1.x scans for any other filter); expiry is checked here. */
export async function loadAttempt(tenant: string, uid: string, now: Date) {
  const attempt = await attempts().findOne({ _id: keyOf(tenant, uid) });
  return attempt && attempt.expiresAt > now ? attempt : null;
}

/** A new identifier starts the sign-in over: any verified password or code is forgotten. */
export async function recordIdentifier(
  tenant: string,
  uid: string,
  identifier: string,
  expiresAt: Date,
) {
  await attempts().replaceOne(
    { _id: keyOf(tenant, uid) },
    { tenant, uid, identifier, expiresAt },
    { upsert: true },
  );
}

/**
 * Binds the sign-in to the account whose password (or session) was verified, forgetting any
 * code. Returns the state as written, built from `previous` (what this request read), so the
 * next step of the same request need not read it again.
 */
export async function recordAccount(
  tenant: string,
  uid: string,
  accountId: string,
  now: Date,
  expiresAt: Date,
  previous: LoginAttempt | null = null,
): Promise<LoginAttempt> {
  const bound = { tenant, uid, accountId, binding: randomUUID(), accountAt: now, expiresAt };
  await attempts().updateOne(
    { _id: keyOf(tenant, uid) },
    {
      $set: { ...bound, codeSends: 0 },
      $unset: {
        codeId: '',
        codeHash: '',
        codeTag: '',
        codeSentAt: '',
        codeExpiresAt: '',
        codeTries: '',
      },
    },
    { upsert: true },
  );
  return { _id: keyOf(tenant, uid), identifier: previous?.identifier, ...bound, codeSends: 0 };
}

export function hashCode(
  secret: string,
  tenant: string,
  uid: string,
  accountId: string,
  code: string,
) {
  return createHmac('sha256', secret)
    .update(`${tenant}\n${uid}\n${accountId}\n${code}`)
    .digest('base64url');
}

const TAG_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function newCode() {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

function newTag() {
  const letter = () => TAG_LETTERS[randomInt(0, TAG_LETTERS.length)];
  return `${letter()}${letter()}${randomInt(2, 10)}`;
}

export type IssueResult =
  | { status: 'issued'; code: string; tag: string; expiresAt: Date }
  | { status: 'cooldown' | 'expired' | 'no-account' };

/**
 * Issues a code, replacing any earlier one. Each send claims its number (see claims.ts), so two
 * parallel resends cannot both pass the cooldown. The first code of a sign-in fixes the expiry;
 * a resend never moves it, so asking again cannot buy an attacker more time.
 */
export async function issueCode(input: {
  tenant: string;
  uid: string;
  accountId: string;
  secret: string;
  now: Date;
  /** The state this request already read; read here when absent. */
  current?: LoginAttempt | null;
}): Promise<IssueResult> {
  const { tenant, uid, accountId, now } = input;
  const current = input.current !== undefined ? input.current : await loadAttempt(tenant, uid, now);
  if (!current || current.accountId !== accountId) return { status: 'no-account' };
  if (current.codeExpiresAt && current.codeExpiresAt <= now) return { status: 'expired' };
  if (current.codeSentAt && now.getTime() - current.codeSentAt.getTime() < RESEND_AFTER_MS) {
    return { status: 'cooldown' };
  }

  const send = (current.codeSends ?? 0) + 1;
  const sendKey = `${current._id}:${current.binding}:send:${send}`;
  if (!(await claimOnce(sendKey, current.expiresAt))) return { status: 'cooldown' };

  const code = newCode();
  const tag = newTag();
  const expiresAt = current.codeExpiresAt ?? new Date(now.getTime() + CODE_TTL_MS);
  await attempts().updateOne(
    { _id: current._id, accountId },
    {
      $set: {
        codeId: randomUUID(),
        codeHash: hashCode(input.secret, tenant, uid, accountId, code),
        codeTag: tag,
        codeSentAt: now,
        codeExpiresAt: expiresAt,
        codeTries: 0,
        codeSends: send,
      },
    },
  );
  return { status: 'issued', code, tag, expiresAt };
}

/** The email could not be sent: allow another send at once (the code's expiry stays as it is). */
export async function releaseResendWait(tenant: string, uid: string): Promise<void> {
  await attempts().updateOne({ _id: keyOf(tenant, uid) }, { $unset: { codeSentAt: '' } });
}

export type VerifyResult = 'verified' | 'invalid' | 'too-many' | 'expired' | 'no-code';

const wellFormed = /^\d{6}$/;

/**
 * Checks a submitted code. A try is claimed before the comparison, so parallel submissions never
 * get more than MAX_CODE_TRIES comparisons per code, and the matching code is used by claiming
 * it once, so it signs in at most once. Malformed input costs a try too.
 */
export async function verifyCode(input: {
  tenant: string;
  uid: string;
  accountId: string;
  submitted: string;
  secret: string;
  now: Date;
  /** The state this request already read; read here when absent. */
  current?: LoginAttempt | null;
}): Promise<VerifyResult> {
  const { tenant, uid, accountId, now } = input;
  const current = input.current !== undefined ? input.current : await loadAttempt(tenant, uid, now);
  if (!current || current.accountId !== accountId || !current.codeHash || !current.codeId)
    return 'no-code';
  if (!current.codeExpiresAt || current.codeExpiresAt <= now) return 'expired';

  const codeKey = `${current._id}:${current.codeId}`;
  const tryNumber = await claimSlot(`${codeKey}:try`, MAX_CODE_TRIES, current.expiresAt);
  if (tryNumber === undefined) return 'too-many';

  const code = input.submitted.replace(/\s+/g, '');
  const expected = Buffer.from(current.codeHash);
  const actual = Buffer.from(hashCode(input.secret, tenant, uid, accountId, code));
  const matches = wellFormed.test(code) && timingSafeEqual(expected, actual);
  if (!matches) {
    // For the page (tries left); the claims above are what the limit rests on.
    await attempts().updateOne(
      { _id: current._id, codeId: current.codeId },
      { $max: { codeTries: tryNumber } },
    );
    return tryNumber >= MAX_CODE_TRIES ? 'too-many' : 'invalid';
  }

  if (!(await claimOnce(`${codeKey}:used`, current.expiresAt))) return 'no-code';
  await attempts().updateOne(
    { _id: current._id, codeId: current.codeId },
    { $unset: { codeHash: '' }, $set: { codeVerifiedAt: now } },
  );
  return 'verified';
}
