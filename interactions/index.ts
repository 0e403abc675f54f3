import Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { invalidRequest } from '../provider/errors.ts';
import { EMAIL_CODE_PROMPT } from '../provider/oidc/interaction-policy.ts';
import type { Runtime } from '../provider/runtime.ts';
import { grantConsent } from './consent.ts';
import { loadStep, type Step } from './context.ts';
import { resendEmailCode, showEmailCode, startForSession, submitEmailCode } from './email-code.ts';
import { finishFederatedLogin, relayFederatedCallback, submitFederatedStart } from './federated.ts';
import { showIdentifier, submitIdentifier } from './identifier.ts';
import { restart, showPassword, submitPassword } from './password.ts';

/**
 * The sign-in steps, in order:
 *   1. identifier  — who is signing in
 *   2. password    — checked against the argon2id hash, or
 *      federated   — at the identity provider of the tenant's SSO domain
 *   3. email code  — only when the 2FA decision requires it
 *   4. consent     — granted for the tenant's own applications
 * Each POST checks that the provider's current prompt is the one the step belongs to, so a step
 * can never be skipped by posting to a later one.
 */

type Handler = (ctx: Context, step: Step) => Promise<void>;

async function showCurrentStep(ctx: Context, step: Step): Promise<void> {
  const prompt = step.details.prompt.name;
  if (prompt === 'consent') return grantConsent(ctx, step);

  if (prompt === EMAIL_CODE_PROMPT) {
    if (step.attempt?.accountId === step.details.session?.accountId && step.attempt?.codeSends) {
      return showEmailCode(ctx, step);
    }
    return startForSession(ctx, step);
  }

  if (step.attempt?.accountId && step.attempt.codeSends) return showEmailCode(ctx, step);
  if (step.attempt?.identifier) return showPassword(ctx, step);
  return showIdentifier(ctx, step);
}

export function interactionRouter(runtime: Runtime): Router {
  const router = new Router({ prefix: '/realms/:tenant/interaction/:uid' });
  const body = koaBody({
    urlencoded: true,
    json: false,
    multipart: false,
    text: false,
    formLimit: '16kb',
  });

  const step = (prompts: string[], handler: Handler) => async (ctx: Context) => {
    const loaded = await loadStep(ctx, runtime);
    if (!prompts.includes(loaded.details.prompt.name)) {
      throw invalidRequest(`step not open during prompt ${loaded.details.prompt.name}`);
    }
    await handler(ctx, loaded);
  };

  router.get('/', async (ctx) => showCurrentStep(ctx, await loadStep(ctx, runtime)));
  router.post('/identifier', body, step(['login'], submitIdentifier));
  router.post('/password', body, step(['login'], submitPassword));
  router.post('/restart', body, step(['login'], restart));
  router.post('/email-code', body, step(['login', EMAIL_CODE_PROMPT], submitEmailCode));
  router.post('/email-code/resend', body, step(['login', EMAIL_CODE_PROMPT], resendEmailCode));
  router.post('/federated/start', body, step(['login'], submitFederatedStart));
  router.get('/federated/callback', step(['login'], finishFederatedLogin));
  // The fixed redirect URI, /realms/:tenant/interaction/federated/callback: no interaction yet.
  router.get('/callback', relayFederatedCallback);
  return router;
}
