import type { Context } from 'koa';
import type { ErrorOut } from 'oidc-provider';
import type { Tenant } from '../../adapters/tenants.ts';
import type { MessageId } from '../i18n.ts';
import { isUnavailable } from '../errors.ts';
import { log } from '../logger.ts';
import { frameFor, pageLocale, renderPage } from '../pages.ts';

function frame(ctx: Context, tenant: Tenant) {
  return frameFor(pageLocale(ctx, undefined, tenant.locale), tenant.name);
}

/** RP-initiated logout: the confirmation form oidc-provider builds, or the signed-out notice. */
export async function renderLogoutPage(ctx: Context, tenant: Tenant, form?: string): Promise<void> {
  await renderPage(ctx, 'logout', frame(ctx, tenant), { form: form ?? '', done: !form });
}

/**
 * Errors oidc-provider cannot send back to the client. The person sees a plain sentence and the
 * protocol error code; the description and any stack go only to the log.
 */
export async function renderProviderError(
  ctx: Context,
  tenant: Tenant,
  out: ErrorOut,
  error: Error,
): Promise<void> {
  const expired = error.name === 'SessionNotFound' || error.name === 'InvalidGrant';
  const broken = out.error === 'server_error';
  const messageId: MessageId = expired
    ? 'error.interaction-expired'
    : broken
      ? 'error.try-again'
      : 'error.oidc';
  // oidc-provider reports any unexpected failure as server_error; an unreachable database among
  // them is a 503 (try again), the rest a 500.
  const status = broken
    ? isUnavailable(error)
      ? 503
      : 500
    : ((error as { statusCode?: number }).statusCode ?? 400);
  log.warn(
    { tenant: tenant._id, error: out.error, detail: out.error_description },
    'Showed a protocol error page',
  );
  await renderPage(ctx, 'error', frame(ctx, tenant), { messageId, reference: out.error }, status);
}
