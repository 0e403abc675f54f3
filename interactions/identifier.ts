import type { Context } from 'koa';
import { recordIdentifier } from '../adapters/login-attempts.ts';
import { checkCsrf, readField, renderStep, showAgain, type Step } from './context.ts';

/** Step 1: who is signing in. Nothing is looked up yet, so this page reveals nothing. */
export async function showIdentifier(ctx: Context, step: Step, error?: string): Promise<void> {
  const hint = step.details.params.login_hint;
  await renderStep(ctx, step, 'identifier', {
    identifier: typeof hint === 'string' ? hint.slice(0, 254) : '',
    error,
  });
}

export async function submitIdentifier(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const identifier = readField(ctx, 'identifier', 254)?.trim();
  if (!identifier) return showIdentifier(ctx, step, 'identifier.required');

  await recordIdentifier(step.tenant._id, step.uid, identifier, step.expiresAt);
  showAgain(ctx, step);
}
