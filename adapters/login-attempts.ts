import mongoose from 'mongoose';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The state of one sign-in in progress, keyed by tenant and interaction: the identifier typed, the
 * account whose password was verified and the email code. The code is only kept as a keyed hash
 * bound to tenant, interaction and account. Every change is one atomic single-document update, so
 * parallel requests and several processes cannot get more tries or uses than the rules allow.
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

export async function loadAttempt(tenant: string, uid: string, now: Date) {
  return attempts().findOne({ _id: keyOf(tenant, uid), expiresAt: { $gt: now } });
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

export async function recordAccount(
  tenant: string,
  uid: string,
  accountId: string,
  now: Date,
  expiresAt: Date,
) {
  await attempts().updateOne(
    { _id: keyOf(tenant, uid) },
    {
      $set: { tenant, uid, accountId, accountAt: now, expiresAt },
      $unset: { codeHash: '', codeTag: '', codeSentAt: '', codeExpiresAt: '', codeTries: '' },
    },
    { upsert: true },
  );
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
 * Issues a code, replacing any earlier one. The first code of a sign-in fixes the expiry; a resend
 * never moves it (`$min`), so asking again cannot buy an attacker more time.
 */
export async function issueCode(input: {
  tenant: string;
  uid: string;
  accountId: string;
  secret: string;
  now: Date;
}): Promise<IssueResult> {
  const { tenant, uid, accountId, now } = input;
  const code = newCode();
  const tag = newTag();
  const updated = await attempts().findOneAndUpdate(
    {
      _id: keyOf(tenant, uid),
      accountId,
      expiresAt: { $gt: now },
      $and: [
        {
          $or: [
            { codeSentAt: { $exists: false } },
            { codeSentAt: { $lte: new Date(now.getTime() - RESEND_AFTER_MS) } },
          ],
        },
        { $or: [{ codeExpiresAt: { $exists: false } }, { codeExpiresAt: { $gt: now } }] },
      ],
    },
    {
      $set: {
        codeHash: hashCode(input.secret, tenant, uid, accountId, code),
        codeTag: tag,
        codeSentAt: now,
        codeTries: 0,
      },
      $min: { codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS) },
      $inc: { codeSends: 1 },
    },
    { returnDocument: 'after' },
  );
  if (updated) return { status: 'issued', code, tag, expiresAt: updated.codeExpiresAt! };

  const current = await loadAttempt(tenant, uid, now);
  if (!current || current.accountId !== accountId) return { status: 'no-account' };
  if (current.codeExpiresAt && current.codeExpiresAt <= now) return { status: 'expired' };
  return { status: 'cooldown' };
}

export type VerifyResult = 'verified' | 'invalid' | 'too-many' | 'expired' | 'no-code';

const wellFormed = /^\d{6}$/;

/**
 * Checks a submitted code. A try is reserved atomically before the comparison, so parallel
 * submissions never get more than MAX_CODE_TRIES comparisons, and the matching code is consumed
 * by a second conditional update, so it signs in at most once. Malformed input costs a try too.
 */
export async function verifyCode(input: {
  tenant: string;
  uid: string;
  accountId: string;
  submitted: string;
  secret: string;
  now: Date;
}): Promise<VerifyResult> {
  const { tenant, uid, accountId, now } = input;
  const _id = keyOf(tenant, uid);
  const reserved = await attempts().findOneAndUpdate(
    {
      _id,
      accountId,
      codeHash: { $exists: true },
      codeTries: { $lt: MAX_CODE_TRIES },
      codeExpiresAt: { $gt: now },
      expiresAt: { $gt: now },
    },
    { $inc: { codeTries: 1 } },
    { returnDocument: 'after' },
  );
  if (!reserved) return explainRefusal(tenant, uid, accountId, now);

  const code = input.submitted.replace(/\s+/g, '');
  const expected = Buffer.from(reserved.codeHash!);
  const actual = Buffer.from(hashCode(input.secret, tenant, uid, accountId, code));
  const matches = wellFormed.test(code) && timingSafeEqual(expected, actual);
  if (!matches) return reserved.codeTries! >= MAX_CODE_TRIES ? 'too-many' : 'invalid';

  const consumed = await attempts().findOneAndUpdate(
    { _id, codeHash: reserved.codeHash! },
    { $unset: { codeHash: '' }, $set: { codeVerifiedAt: now } },
  );
  return consumed ? 'verified' : 'no-code';
}

async function explainRefusal(
  tenant: string,
  uid: string,
  accountId: string,
  now: Date,
): Promise<VerifyResult> {
  const current = await loadAttempt(tenant, uid, now);
  if (!current || current.accountId !== accountId || !current.codeHash) return 'no-code';
  if ((current.codeTries ?? 0) >= MAX_CODE_TRIES) return 'too-many';
  return 'expired';
}
