import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { recordIdentifier } from '../adapters/login-attempts.ts';
import { provisionFederatedUser } from '../adapters/users.ts';
import { ACR_FEDERATED } from '../provider/acr.ts';
import { now } from '../provider/clock.ts';
import { invalidRequest } from '../provider/errors.ts';
import { consumeFederatedAttempt, saveFederatedAttempt } from '../provider/federation/attempts.ts';
import {
  buildFederatedCallbackUrl,
  forgetUpstreamConfig,
  loadUpstreamConfig,
} from '../provider/federation/discovery.ts';
import {
  classifyUpstreamError,
  describeFailure,
  FederatedLoginError,
} from '../provider/federation/failures.ts';
import { readEssentialAcr, chooseUpstreamAcrValues } from '../provider/federation/requested-acr.ts';
import { redeemAuthorizationResponse } from '../provider/federation/upstream-identity.ts';
import { findUpstream, type Upstream } from '../provider/federation/upstreams.ts';
import { log } from '../provider/logger.ts';
import { TENANT_ID } from '../provider/tenant-registry.ts';
import { audit, checkCsrf, finishInteraction, renderStep, type Step } from './context.ts';

/**
 * Step 2 for staff of the SSO domain: federated login at the customer's identity provider
 * (authorization code + PKCE, state and nonce kept server-side with the interaction). The login
 * finishes with `amr: ["fed", ...the upstream's]`, which the 2FA decision never answers with an
 * email code: the upstream decides how its staff authenticate (the product rule).
 */

/** The uid path segment of the fixed redirect URI (see buildFederatedCallbackUrl). */
export const CALLBACK_SEGMENT = 'federated';

const buildCallbackUrl = (step: Step) =>
  buildFederatedCallbackUrl(step.runtime.tenants.issuerFor(step.tenant._id));

export async function startFederatedLogin(
  ctx: Context,
  step: Step,
  upstream: Upstream,
  loginHint?: string,
): Promise<void> {
  // A new way in starts the sign-in over: nothing typed or verified before still counts.
  await recordIdentifier(step.tenant._id, step.uid, '', step.expiresAt);

  let config: oidc.Configuration;
  try {
    config = await loadUpstreamConfig(upstream);
  } catch (error) {
    return showFailure(ctx, step, upstream, classifyUpstreamError(error));
  }

  // The prefix lets the fixed callback find the interaction; the random part is the CSRF check.
  const state = `${step.uid}.${oidc.randomState()}`;
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  await saveFederatedAttempt({
    tenant: step.tenant._id,
    uid: step.uid,
    upstream: upstream.index,
    issuer: upstream.issuer,
    state,
    nonce,
    codeVerifier,
    createdAt: now(),
    interactionExpiresAt: step.expiresAt,
  });

  const params: Record<string, string> = {
    redirect_uri: buildCallbackUrl(step),
    scope: upstream.scope,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ui_locales: step.frame.locale,
  };
  if (loginHint) params.login_hint = loginHint;
  const acrValues = chooseUpstreamAcrValues(step.details.params);
  if (acrValues) params.acr_values = acrValues;

  ctx.status = 303;
  ctx.redirect(oidc.buildAuthorizationUrl(config, params).href);
}

/** A "Sign in with …" button of the identifier page. */
export async function submitFederatedStart(ctx: Context, step: Step): Promise<void> {
  checkCsrf(ctx, step);

  const idp = ctx.query.idp;
  const upstream =
    typeof idp === 'string' && /^\d{1,3}$/.test(idp)
      ? findUpstream(step.tenant, Number(idp))
      : null;
  if (!upstream) return showFailure(ctx, step, null, new FederatedLoginError('unknown-upstream'));

  await startFederatedLogin(ctx, step, upstream);
}

/**
 * The fixed redirect URI. The browser sends no interaction cookie here (it is scoped to the
 * interaction's own path), so this only passes the response on to the interaction that the
 * state names; that request then carries the cookie, and a response relayed into someone
 * else's browser finds no interaction there.
 */
export async function relayFederatedCallback(ctx: Context): Promise<void> {
  const tenantId = String(ctx.params.tenant);
  if (ctx.params.uid !== CALLBACK_SEGMENT || !TENANT_ID.test(tenantId)) return;

  const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
  const uid = /^([A-Za-z0-9_-]{1,64})\./.exec(state)?.[1];
  if (!uid) {
    log.warn({ tenant: tenantId, reason: 'state-mismatch' }, 'Federated login failed');
    throw invalidRequest('federated callback without an interaction in its state');
  }

  ctx.status = 303;
  ctx.redirect(`/realms/${tenantId}/interaction/${uid}/federated/callback?${ctx.querystring}`);
}

export async function finishFederatedLogin(ctx: Context, step: Step): Promise<void> {
  const { tenant, uid } = step;
  const attempt = await consumeFederatedAttempt(tenant._id, uid, now());
  if (!attempt) return showFailure(ctx, step, null, new FederatedLoginError('no-attempt'));

  const upstream = findUpstream(tenant, attempt.upstream);
  if (!upstream || upstream.issuer !== attempt.issuer) {
    return showFailure(ctx, step, null, new FederatedLoginError('unknown-upstream'));
  }

  const responseUrl = new URL(`${buildCallbackUrl(step)}?${ctx.querystring}`);
  const identity = await redeemAuthorizationResponse(upstream, attempt, responseUrl).catch(
    classifyUpstreamError,
  );
  if (identity instanceof FederatedLoginError) {
    if (identity.reason === 'upstream-unreachable') forgetUpstreamConfig(upstream);
    return showFailure(ctx, step, upstream, identity);
  }

  // Checked before any account is created: a login that cannot be used creates nothing.
  const acr = identity.acr ?? ACR_FEDERATED;
  const essential = readEssentialAcr(step.details.params);
  if (essential && !essential.includes(acr)) {
    log.info(
      { tenant: tenant._id, interaction: uid, acr, reason: 'acr-not-met' },
      'Federated login did not meet the essential acr the client asked for',
    );
    return finishInteraction(ctx, step, {
      error: 'unmet_authentication_requirements',
      error_description: 'the identity provider did not meet the requested authentication context',
    });
  }

  const user = await provisionFederatedUser({
    tenant: tenant._id,
    issuer: identity.issuer,
    subject: identity.subject,
    email: identity.email,
    name: identity.name,
    profile: upstream.profile,
    groups: upstream.groups,
  });
  if (!user) return showFailure(ctx, step, upstream, new FederatedLoginError('account-conflict'));
  if (user.disabled) {
    return showFailure(ctx, step, upstream, new FederatedLoginError('account-disabled'));
  }

  const amr = [...new Set(['fed', ...identity.amr])];
  await audit(ctx, step, 'signin.succeeded', user._id, {
    amr: amr.join(' '),
    reason: 'federated-login',
    issuer: identity.issuer,
  });
  await finishInteraction(ctx, step, { login: { accountId: user._id, amr, acr } });
}

/** A clear page with the way back to the identifier page; the interaction is still alive. */
async function showFailure(
  ctx: Context,
  step: Step,
  upstream: Upstream | null,
  failure: FederatedLoginError,
): Promise<void> {
  log.warn(
    {
      tenant: step.tenant._id,
      interaction: step.uid,
      reason: failure.reason,
      detail: failure.detail,
    },
    'Federated login failed',
  );
  const page = describeFailure(failure.reason);
  await renderStep(
    ctx,
    step,
    'federated-error',
    { messageId: page.messageId, upstreamName: upstream?.name ?? step.tenant.name },
    page.status,
  );
}
