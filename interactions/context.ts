import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { Tenant } from '../adapters/tenants.ts';
import { loadAttempt, type LoginAttempt } from '../adapters/login-attempts.ts';
import { recordAuditEvent, type AuditEvent, type AuditType } from '../adapters/audit-events.ts';
import { now } from '../provider/clock.ts';
import { interactionExpired, invalidRequest, unknownTenant } from '../provider/errors.ts';
import { EMAIL_CODE_PROMPT } from '../provider/oidc/interaction-policy.ts';
import { tenantForRequest, userForRequest } from '../provider/oidc/request-memo.ts';
import { frameFor, originOf, pageLocale, renderPage, type PageFrame } from '../provider/pages.ts';
import type { Runtime } from '../provider/runtime.ts';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Everything a step needs about the sign-in in progress, loaded once per request. */
export interface Step {
  runtime: Runtime;
  /** The HTTP request, within which tenant and account are read once. */
  request: object;
  tenant: Tenant;
  provider: Provider;
  details: InteractionDetails;
  uid: string;
  attempt: LoginAttempt | null;
  frame: PageFrame;
  /** Base path of this interaction's forms. */
  action: string;
  csrf: string;
  expiresAt: Date;
}

export async function loadStep(ctx: Context, runtime: Runtime): Promise<Step> {
  const tenantId = String(ctx.params.tenant);
  const uid = String(ctx.params.uid);
  const provider = await runtime.tenants.providerFor(tenantId);
  const tenant = provider && (await tenantForRequest(ctx.req, tenantId));
  if (!provider || !tenant) throw unknownTenant(tenantId);

  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    // No or unknown interaction cookie; anything else (the database, say) is not the user's doing.
    if ((error as Error).name !== 'SessionNotFound') throw error;
    throw interactionExpired((error as Error).message);
  }
  // The cookie names the interaction; a URL naming another one is a stale or forged link.
  if (details.uid !== uid) throw interactionExpired('interaction cookie does not match the URL');

  const attempt = await loadAttempt(tenantId, uid, now());
  const action = `/realms/${tenantId}/interaction/${uid}`;
  const userLocale = await accountLocale(ctx.req, tenant, details, attempt);
  const locale = pageLocale(ctx, details.params.ui_locales, tenant.locale, userLocale);
  const frame: PageFrame = {
    ...frameFor(locale, tenant.name),
    tenant,
    home: action,
    // Where the finished sign-in sends the browser, after the last form's redirects.
    formTargets: [originOf(details.params.redirect_uri)].filter((o): o is string => Boolean(o)),
  };
  return {
    runtime,
    request: ctx.req,
    tenant,
    provider,
    details,
    uid,
    attempt,
    frame,
    action,
    csrf: csrfToken(runtime, tenantId, uid),
    expiresAt: new Date(details.exp * 1000),
  };
}

/**
 * The language the account asked for, once this sign-in has verified who it is: after the
 * password (or, for a session that must now pass the email code, the session's account).
 * Before that the pages must not change with the username typed, or they would tell which
 * accounts exist.
 */
async function accountLocale(
  request: object,
  tenant: Tenant,
  details: InteractionDetails,
  attempt: LoginAttempt | null,
): Promise<string | undefined> {
  const accountId =
    attempt?.accountId ??
    (details.prompt.name === EMAIL_CODE_PROMPT ? details.session?.accountId : undefined);
  if (!accountId) return undefined;
  return (await userForRequest(request, tenant._id, accountId))?.locale;
}

/** A form token bound to this interaction: a page from another sign-in cannot post here. */
function csrfToken(runtime: Runtime, tenantId: string, uid: string): string {
  return createHmac('sha256', runtime.secrets.cookieKeys[0]!)
    .update(`csrf:${tenantId}:${uid}`)
    .digest('base64url');
}

export function checkCsrf(ctx: Context, step: Step): void {
  const sent = Buffer.from(readField(ctx, 'csrf') ?? '');
  const expected = Buffer.from(step.csrf);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw invalidRequest('form token missing or wrong');
  }
}

/**
 * A form field as a string, or undefined. Arrays and objects (`name[$ne]=x`, JSON bodies) are
 * never passed on: every field is an untrusted string of bounded length.
 */
export function readField(ctx: Context, name: string, maxLength = 1024): string | undefined {
  const body = (ctx.request as { body?: unknown }).body;
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (typeof value !== 'string' || value.length > maxLength) return undefined;
  return value;
}

export async function renderStep(
  ctx: Context,
  step: Step,
  view: string,
  locals: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const application = await applicationName(step);
  await renderPage(
    ctx,
    view,
    step.frame,
    { action: step.action, csrf: step.csrf, application, ...locals },
    status,
  );
}

/** The client's display name (`client_name`) for "to continue to …"; none when it has none. */
async function applicationName(step: Step): Promise<string | undefined> {
  const client = await step.provider.Client.find(String(step.details.params.client_id));
  return client?.clientName;
}

/** Back to the interaction page after a POST, so a reload never submits twice. */
export function showAgain(ctx: Context, step: Step, notice?: string): void {
  ctx.status = 303;
  ctx.redirect(notice ? `${step.action}?notice=${notice}` : step.action);
}

/**
 * Ends the interaction with a result and sends the browser back to the authorization. The result
 * is saved on the interaction this request already read (oidc-provider's `interactionResult` would
 * read it once more); nothing else writes it while a step runs.
 */
export async function finishInteraction(
  ctx: Context,
  step: Step,
  result: InteractionResults,
): Promise<void> {
  const interaction = step.details;
  const ttl = interaction.exp - Math.floor(Date.now() / 1000);
  if (ttl <= 0) throw interactionExpired('interaction expired during the step');
  interaction.result = result;
  await interaction.save(ttl);
  ctx.status = 303;
  ctx.redirect(interaction.returnTo);
}

/** An audit event about this sign-in, with who, which application and from where. */
export async function audit(
  ctx: Context,
  step: Step,
  type: AuditType,
  account?: string,
  detail?: AuditEvent['detail'],
): Promise<void> {
  await recordAuditEvent({
    tenant: step.tenant._id,
    type,
    account,
    client: String(step.details.params.client_id),
    ip: ctx.ip,
    userAgent: ctx.get('user-agent'),
    interaction: step.uid,
    detail,
  });
}
