import type { Context } from 'koa';
import { recordIdentifier } from '../adapters/login-attempts.ts';
import { findUpstreamForEmail, listUpstreams } from '../provider/federation/upstreams.ts';
import { checkCsrf, readField, renderStep, showAgain, type Step } from './context.ts';
import { startFederatedLogin } from './federated.ts';

/** Step 1: who is signing in. Nothing is looked up yet, so this page reveals nothing. */
export async function showIdentifier(ctx: Context, step: Step, error?: string): Promise<void> {
  const hint = step.details.params.login_hint;
  const upstreams = listUpstreams(step.tenant).map(({ index, name }) => ({ index, name }));
  await renderStep(ctx, step, upstreams.length ? 'federated-identifier' : 'identifier', {
    identifier: typeof hint === 'string' ? hint.slice(0, 254) : '',
    upstreams,
    error,
  });
}

/**
 * An address in one of the tenant's SSO domains goes straight to that domain's identity
 * provider (home-realm discovery): staff of the SSO domain never see the password page. The
 * decision reads only the tenant's settings, never the accounts, so it reveals nothing either.
 */
export async function submitIdentifier(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const identifier = readField(ctx, 'identifier', 254)?.trim();
  if (!identifier) return showIdentifier(ctx, step, 'identifier.required');

  const upstream = findUpstreamForEmail(step.tenant, identifier);
  if (upstream) return startFederatedLogin(ctx, step, upstream, identifier);

  await recordIdentifier(step.tenant._id, step.uid, identifier, step.expiresAt);
  showAgain(ctx, step);
}
