import { hash, verify } from '@node-rs/argon2';
import type { Context } from 'koa';
import { recordAccount, recordIdentifier } from '../adapters/login-attempts.ts';
import { findLocalUser, lookupKey, type User } from '../adapters/users.ts';
import { isExhausted, reserve, spend } from '../provider/limits.ts';
import { isSsoIdentifier, listUpstreams } from '../provider/federation/upstreams.ts';
import { ACR_PASSWORD, AMR_PASSWORD } from '../provider/acr.ts';
import { now } from '../provider/clock.ts';
import { decideFor } from '../provider/two-factor/decide-for.ts';
import {
  audit,
  checkCsrf,
  finishInteraction,
  readField,
  renderStep,
  showAgain,
  type Step,
} from './context.ts';
import { sendNewCode } from './email-code.ts';

/**
 * Verifying against this hash when there is no account (or no password) costs the same time as
 * a real check, so response timing does not tell which usernames exist.
 */
const dummyHash = hash('not-a-password-of-anyone');

async function checkPassword(user: User | null, password: string): Promise<boolean> {
  const stored = user?.passwordHash;
  const matches = await verify(stored ?? (await dummyHash), password).catch(() => false);
  return Boolean(stored) && matches && !user!.disabled;
}

export async function showPassword(ctx: Context, step: Step, error?: string): Promise<void> {
  // In a tenant with SSO every failure points to it, so the hint says nothing about the account.
  const notice = error && listUpstreams(step.tenant).length ? 'password.use-sso' : undefined;
  await renderStep(ctx, step, 'password', {
    identifier: step.attempt?.identifier ?? '',
    error,
    notice,
  });
}

/**
 * Step 2: the password. One generic failure for every reason (unknown user, wrong password,
 * disabled account), so nothing is revealed. Failures count against the identifier and the
 * client's IP address; an exhausted budget refuses even the right password until it renews.
 */
export async function submitPassword(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const identifier = step.attempt?.identifier;
  if (!identifier) return showAgain(ctx, step);

  const user = await findLocalUser(step.tenant._id, identifier);
  // A known account has one budget however it is named (username or email); an unknown
  // identifier gets the same budget of its own, so both behave alike.
  const subject = user ? `account:${user._id}` : `identifier:${lookupKey(identifier)}`;
  const budgets = { id: `${step.tenant._id}:${subject}`, ip: `${step.tenant._id}:${ctx.ip}` };
  // The identifier's point is taken before the comparison, so a burst of parallel guesses gets
  // no more comparisons than the budget; the right password gives it back. The address budget,
  // a coarse one over many accounts, is checked first and counted after a wrong password.
  const reservation = (await isExhausted('passwordPerIp', budgets.ip))
    ? undefined
    : await reserve('passwordPerIdentifier', budgets.id);
  if (!reservation) {
    await audit(ctx, step, 'password.locked', user?._id);
    return showPassword(ctx, step, 'password.locked');
  }

  // Staff of the customer's SSO domain sign in there; their password here never works.
  const ssoAccount =
    isSsoIdentifier(step.tenant, identifier) || isSsoIdentifier(step.tenant, user?.email);
  const password = readField(ctx, 'password') ?? '';
  if (!(await checkPassword(user, password)) || ssoAccount) {
    await spend('passwordPerIp', budgets.ip);
    await audit(ctx, step, 'password.failed', user?._id, { knownAccount: Boolean(user) });
    return showPassword(ctx, step, 'password.invalid');
  }
  await reservation.release();

  const account = user!;
  const decision = decideFor({
    tenant: step.tenant,
    user: account,
    clientId: String(step.details.params.client_id),
    signIn: 'password',
    params: step.details.params,
    metric: { interaction: step.uid },
  });
  if (!decision.required) {
    await audit(ctx, step, 'signin.succeeded', account._id, {
      amr: AMR_PASSWORD.join(' '),
      reason: decision.reason,
    });
    return finishInteraction(ctx, step, {
      login: { accountId: account._id, amr: AMR_PASSWORD, acr: ACR_PASSWORD },
    });
  }

  if (!account.email) return renderStep(ctx, step, 'no-email', { canRestart: true }, 403);

  step.attempt = await recordAccount(
    step.tenant._id,
    step.uid,
    account._id,
    now(),
    step.expiresAt,
    step.attempt,
  );
  await sendNewCode(ctx, step, account);
}

/** "Not you?": forget the identifier and start over. */
export async function restart(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  await recordIdentifier(step.tenant._id, step.uid, '', step.expiresAt);
  showAgain(ctx, step);
}
