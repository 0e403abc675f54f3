import type { Context } from 'koa';
import {
  issueCode,
  loadAttempt,
  MAX_CODE_TRIES,
  recordAccount,
  releaseResendWait,
  RESEND_AFTER_MS,
  verifyCode,
  type VerifyResult,
} from '../adapters/login-attempts.ts';
import { lookupKey, type User } from '../adapters/users.ts';
import { userForRequest } from '../provider/oidc/request-memo.ts';
import { isExhausted, reserve } from '../provider/limits.ts';
import { dependencyErrors } from '../provider/observability/metrics.ts';
import { isPlainAddress } from '../provider/tenant-file/schema.ts';
import { ACR_MFA, AMR_EMAIL_CODE } from '../provider/acr.ts';
import { now } from '../provider/clock.ts';
import { invalidRequest } from '../provider/errors.ts';
import { log } from '../provider/logger.ts';
import { describeBrowser, maskAddress } from '../provider/mask.ts';
import type { MessageId } from '../provider/i18n.ts';
import { EMAIL_CODE_PROMPT } from '../provider/oidc/interaction-policy.ts';
import {
  audit,
  checkCsrf,
  finishInteraction,
  readField,
  renderStep,
  showAgain,
  type Step,
} from './context.ts';

/**
 * Step 3: the email code. The account is the one whose password was verified in this
 * interaction, or, when an existing session must now pass the code, the session's account.
 * Only after a correct code does the interaction finish with a login, so the browser session
 * never holds an account that passed the password alone.
 */
async function codeAccount(step: Step): Promise<User | null> {
  const accountId = step.attempt?.accountId;
  if (!accountId) return null;
  if (
    step.details.prompt.name === EMAIL_CODE_PROMPT &&
    accountId !== step.details.session?.accountId
  ) {
    return null;
  }
  const user = await userForRequest(step.request, step.tenant._id, accountId);
  return user && !user.disabled ? user : null;
}

/** An existing session that must now pass the code: bind the interaction to its account. */
export async function startForSession(ctx: Context, step: Step): Promise<void> {
  const accountId = step.details.session?.accountId;
  if (!accountId) throw invalidRequest('email-code prompt without a session account');

  const user = await userForRequest(step.request, step.tenant._id, accountId);
  if (!user || user.disabled) throw invalidRequest('session account is gone');
  if (!user.email) return renderStep(ctx, step, 'no-email', {}, 403);

  step.attempt = await recordAccount(
    step.tenant._id,
    step.uid,
    accountId,
    now(),
    step.expiresAt,
    step.attempt,
  );
  await sendNewCode(ctx, step, user);
}

async function applicationName(step: Step): Promise<string> {
  const clientId = String(step.details.params.client_id);
  const client = await step.provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

/**
 * Issues a code for the sign-in state of `step.attempt` (as this request read or wrote it) and
 * emails it. A send that fails leaves the page up with a resend offer.
 */
export async function sendNewCode(
  ctx: Context,
  step: Step,
  user: User,
  notice = 'sent',
): Promise<void> {
  const { runtime, tenant } = step;
  // Only a single plain address is ever mailed. A stored value that is anything else (written
  // past the import's checks) could name another recipient: nodemailer turns
  // `a@b.example,x@evil.example` into the one address `"a@b.example,x"@evil.example`.
  if (!isPlainAddress(user.email)) {
    log.warn({ tenant: tenant._id, account: user._id }, 'Refused to mail a malformed address');
    return renderStep(ctx, step, 'no-email', {}, 403);
  }
  const current = step.attempt;
  const sentAt = current?.codeSentAt?.getTime();
  if (sentAt && now().getTime() - sentAt < RESEND_AFTER_MS) return showAgain(ctx, step, 'cooldown');

  // Sends are budgeted per account and per address, so no one can flood a mailbox. A send that
  // does not happen (a parallel resend won, the mail server failed) gives both points back, so
  // an outage of the mail server does not use up the user's budget.
  const accountSend = await reserve('sendsPerAccount', `${tenant._id}:${user._id}`);
  const addressSend = accountSend && (await reserve('sendsPerAddress', lookupKey(user.email!)));
  const giveBack = async () => {
    await accountSend?.release();
    await addressSend?.release();
  };
  if (!addressSend) {
    await giveBack();
    await audit(ctx, step, 'code.send-limited', user._id);
    // Before a first code there is no code page to go back to (the interaction page would show
    // the password step again, without a word, as if the password had been right for nothing),
    // so the refusal is shown at once.
    if (!current?.codeSends) return showEmailCode(ctx, step, 'email-code.send-limit');
    return showAgain(ctx, step, 'send-limit');
  }

  const issued = await issueCode({
    tenant: tenant._id,
    uid: step.uid,
    accountId: user._id,
    secret: runtime.secrets.codeHash,
    now: now(),
    current,
  });
  if (issued.status !== 'issued') {
    await giveBack();
    return showAgain(ctx, step, issued.status);
  }

  try {
    await runtime.mailer.sendEmailCode({
      to: user.email!,
      locale: user.locale ?? step.frame.locale,
      name: user.name ?? user.username,
      tenantName: tenant.name,
      timeZone: tenant.timeZone,
      application: await applicationName(step),
      code: issued.code,
      tag: issued.tag,
      expiresAt: issued.expiresAt,
      requestedAt: now(),
      ip: ctx.ip,
      browser: describeBrowser(ctx.get('user-agent')),
    });
  } catch (error) {
    log.error(
      { err: error, tenant: tenant._id, interaction: step.uid },
      'Could not send an email code',
    );
    dependencyErrors.inc({ dependency: 'smtp' });
    await releaseResendWait(tenant._id, step.uid);
    await giveBack();
    await audit(ctx, step, 'code.send-failed', user._id);
    return showAgain(ctx, step, 'send-failed');
  }
  log.info(
    { tenant: tenant._id, interaction: step.uid, account: user._id, tag: issued.tag },
    'Sent an email code',
  );
  await audit(ctx, step, 'code.sent', user._id, { tag: issued.tag });
  showAgain(ctx, step, notice);
}

const notices: Record<string, { notice?: MessageId; error?: MessageId }> = {
  sent: {},
  resent: { notice: 'email-code.resent' },
  cooldown: {},
  expired: { error: 'email-code.expired' },
  'send-failed': { error: 'email-code.send-failed' },
  'send-limit': { error: 'email-code.send-limit' },
};

const refusals: Record<Exclude<VerifyResult, 'verified'>, MessageId> = {
  invalid: 'email-code.invalid',
  'too-many': 'email-code.too-many',
  expired: 'email-code.expired',
  'no-code': 'email-code.expired',
};

export async function showEmailCode(ctx: Context, step: Step, error?: MessageId): Promise<void> {
  const user = await codeAccount(step);
  if (!user?.email) return showAgain(ctx, step);

  const attempt = step.attempt!;
  const at = now().getTime();
  const tooMany = (attempt.codeTries ?? 0) >= MAX_CODE_TRIES;
  const closed = !attempt.codeHash || tooMany || (attempt.codeExpiresAt?.getTime() ?? 0) <= at;
  const closedMessage: MessageId = tooMany ? 'email-code.too-many' : 'email-code.expired';
  const sentAt = attempt.codeSentAt?.getTime() ?? 0;
  const shown = error ? { error } : (notices[String(ctx.query.notice)] ?? {});
  await renderStep(ctx, step, 'email-code', {
    maskedAddress: maskAddress(user.email),
    tag: attempt.codeTag,
    closed,
    error: shown.error ?? (closed ? closedMessage : undefined),
    notice: shown.notice,
    resendWait: Math.max(0, Math.ceil((sentAt + RESEND_AFTER_MS - at) / 1000)),
    restartUrl: restartUrl(step),
  });
}

/** The client's own authorization request again: a fresh interaction, password included. */
function restartUrl(step: Step): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(step.details.params)) {
    if (typeof value === 'string') params.set(key, value);
  }
  return `/realms/${step.tenant._id}/auth?${params}`;
}

export async function submitEmailCode(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const user = await codeAccount(step);
  if (!user) return showAgain(ctx, step);

  // Failed codes are budgeted per account across sign-ins, interactions and IP addresses.
  const failures = `${step.tenant._id}:${user._id}`;
  // Taken before the comparison (see limits.ts), given back by the right code.
  const reservation = await reserve('codeFailuresPerAccount', failures);
  if (!reservation) {
    await audit(ctx, step, 'code.locked', user._id);
    return showEmailCode(ctx, step, 'email-code.locked');
  }

  const result = await verifyCode({
    tenant: step.tenant._id,
    uid: step.uid,
    accountId: user._id,
    submitted: readField(ctx, 'code', 64) ?? '',
    secret: step.runtime.secrets.codeHash,
    now: now(),
    current: step.attempt,
  });
  if (result !== 'verified') {
    log.info(
      { tenant: step.tenant._id, interaction: step.uid, account: user._id, result },
      'Refused an email code',
    );
    await audit(ctx, step, 'code.failed', user._id, { result });
    if (await isExhausted('codeFailuresPerAccount', failures))
      await audit(ctx, step, 'code.locked', user._id);
    step.attempt = await loadAttempt(step.tenant._id, step.uid, now());
    return showEmailCode(ctx, step, refusals[result]);
  }

  await reservation.release();
  await audit(ctx, step, 'signin.succeeded', user._id, { amr: AMR_EMAIL_CODE.join(' ') });
  await finishInteraction(ctx, step, {
    login: { accountId: user._id, amr: AMR_EMAIL_CODE, acr: ACR_MFA },
  });
}

export async function resendEmailCode(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const user = await codeAccount(step);
  if (!user?.email) return showAgain(ctx, step);

  await sendNewCode(ctx, step, user, 'resent');
}
