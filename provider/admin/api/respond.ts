import type { Context } from 'koa';
import { recordAuditEvent } from '../../../adapters/audit-events.ts';
import { chooseLocale, parseAcceptLanguage } from '../../i18n.ts';
import { log } from '../../logger.ts';
import { countDatabaseError } from '../../observability/metrics.ts';
import type { Actor } from '../actor.ts';
import { AdminError, invalidInput } from '../errors.ts';

/**
 * The one place the administration API turns errors into JSON: `{ code, message, problems? }`,
 * the message in the caller's language. A refusal is also an audit event (`admin.forbidden`),
 * recorded in the tenant that was asked about.
 */
export async function respondWithError(ctx: Context, error: unknown): Promise<void> {
  const known = asAdminError(error);
  if (!known)
    log.error({ err: error, path: ctx.path }, 'An administration request failed unexpectedly');
  else
    log.info(
      { refusal: known.code, detail: known.detail, path: ctx.path },
      'Refused an administration request',
    );

  // An unreachable database is the caller's cue to retry: 503, like the pages.
  const unavailable = !known && countDatabaseError(error);
  const failure =
    known ??
    (unavailable
      ? new AdminError('unavailable', 503, 'error.try-again')
      : new AdminError('server-error', 500, 'error.try-again'));
  if (failure.code === 'forbidden') await recordRefusal(ctx, failure);
  if (failure.status === 401) {
    ctx.set('WWW-Authenticate', `Bearer realm="admin", error="invalid_token"`);
  }
  const locale = chooseLocale(parseAcceptLanguage(ctx.get('accept-language')));
  ctx.status = failure.status;
  ctx.body = {
    code: failure.code,
    message: failure.describe(locale),
    ...(failure.problems && { problems: failure.problems }),
  };
}

/** koa-body reports a body that is not JSON with a 4xx status of its own. */
function asAdminError(error: unknown): AdminError | undefined {
  if (error instanceof AdminError) return error;
  const status = (error as { status?: number }).status;
  if (status === 413) return invalidInput(['(body): must be at most 64 kB']);
  if (status && status >= 400 && status < 500) return invalidInput(['(body): must be JSON']);
  return undefined;
}

async function recordRefusal(ctx: Context, error: AdminError): Promise<void> {
  const actor = ctx.state.adminActor as Actor | undefined;
  const tenant = (ctx.params as Record<string, string> | undefined)?.tenant ?? actor?.tenant;
  if (!tenant) return;
  await recordAuditEvent({
    tenant,
    type: 'admin.forbidden',
    actor: actor?.name ?? 'unknown',
    target: `${ctx.method} ${ctx.path}`,
    ...(actor?.account && actor.tenant === tenant && { account: actor.account }),
    ip: ctx.ip,
    ...(error.detail && { detail: { why: error.detail } }),
  });
}
