import { hash, verify } from '@node-rs/argon2';
import type { Context } from 'koa';
import { recordAccount, recordIdentifier } from '../adapters/login-attempts.ts';
import { findLocalUser, type User } from '../adapters/users.ts';
import { ACR_PASSWORD, AMR_PASSWORD } from '../provider/acr.ts';
import { now } from '../provider/clock.ts';
import { decideFor } from '../provider/two-factor/decide-for.ts';
import {
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
  await renderStep(ctx, step, 'password', { identifier: step.attempt?.identifier ?? '', error });
}

/** Step 2: the password. One generic failure for every reason, so nothing is revealed. */
export async function submitPassword(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const identifier = step.attempt?.identifier;
  if (!identifier) return showAgain(ctx, step);

  const password = readField(ctx, 'password') ?? '';
  const user = await findLocalUser(step.tenant._id, identifier);
  if (!(await checkPassword(user, password))) return showPassword(ctx, step, 'password.invalid');

  const account = user!;
  const decision = decideFor({
    tenant: step.tenant,
    user: account,
    clientId: String(step.details.params.client_id),
    signIn: 'password',
    params: step.details.params,
  });
  if (!decision.required) {
    return finishInteraction(ctx, step, {
      login: { accountId: account._id, amr: AMR_PASSWORD, acr: ACR_PASSWORD },
    });
  }

  if (!account.email) return renderStep(ctx, step, 'no-email', {}, 403);

  await recordAccount(step.tenant._id, step.uid, account._id, now(), step.expiresAt);
  await sendNewCode(ctx, step, account);
}

/** "Not you?": forget the identifier and start over. */
export async function restart(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  await recordIdentifier(step.tenant._id, step.uid, '', step.expiresAt);
  showAgain(ctx, step);
}
