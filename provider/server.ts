import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { interactionRouter } from '../interactions/index.ts';
import { accountRouter } from './account/routes.ts';
import { createAdminApi } from './admin/api/router.ts';
import { serveBrandingCss } from './branding.ts';
import { ProductError, tryAgainLater, unknownTenant } from './errors.ts';
import { countDatabaseError, registry, requestDuration, routeOf } from './observability/metrics.ts';
import { log } from './logger.ts';
import { frameFor, pageLocale, renderPage, viewsDir } from './pages.ts';
import type { Runtime } from './runtime.ts';
import { tenantForRequest } from './oidc/request-memo.ts';
import { TENANT_ID } from './tenant-registry.ts';

/** The stable log fields a path names: `/realms/{tenant}/interaction/{interaction}/...`. */
function requestFields(path: string): { tenant?: string; interaction?: string } {
  const [, realms, tenant, area, interaction] = path.split('/');
  if (realms !== 'realms' || !tenant || !TENANT_ID.test(tenant)) return {};
  // The interaction comes from the URL: only an id of the shape oidc-provider makes is logged.
  const named = area === 'interaction' && interaction && /^[\w-]{1,64}$/.test(interaction);
  return named ? { tenant, interaction } : { tenant };
}

/**
 * The one place that turns errors into responses. Expected errors show their catalogue message;
 * an unreachable database shows "try again" with 503; anything else is logged with its stack
 * and shown as the same plain page, never with internals.
 */
async function errorPages(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && !ctx.body && ctx.respond !== false) {
      const frame = frameFor(pageLocale(ctx));
      await renderPage(ctx, 'error', frame, { messageId: 'error.not-found' }, 404);
    }
  } catch (caught) {
    const error = countDatabaseError(caught) ? tryAgainLater((caught as Error).message) : caught;
    const known = error instanceof ProductError;
    const fields = { ...requestFields(ctx.path), path: ctx.path };
    if (known)
      log.info({ ...fields, refusal: error.code, detail: error.detail }, 'Refused a request');
    else log.error({ ...fields, err: error }, 'A request failed unexpectedly');
    const messageId = known ? error.messageId : 'error.try-again';
    await renderPage(
      ctx,
      'error',
      frameFor(pageLocale(ctx)),
      { messageId },
      known ? error.status : 500,
    );
  }
}

/** Latency of every request, by route name (provider/observability/metrics.ts). */
async function timeRequests(ctx: Context, next: Next): Promise<void> {
  const end = requestDuration.startTimer();
  const route = routeOf(ctx.path);
  const method = ctx.method;
  ctx.res.once('finish', () => end({ route, method, status: String(ctx.res.statusCode) }));
  await next();
}

/**
 * Ready when the database answers a ping within a second and the installation keys (cookie
 * signing keys, the code-hash key) are loaded. Tenants' signing keys are stored with each tenant
 * and read with it, so a database that answers can serve them.
 */
async function checkReady(runtime: Runtime) {
  const keys = runtime.secrets.cookieKeys.length > 0 && Boolean(runtime.secrets.codeHash);
  const database = await pingDatabase();
  return {
    ready: keys && database,
    checks: { database: database ? 'ok' : 'unavailable', keys: keys ? 'loaded' : 'missing' },
  };
}

async function pingDatabase(): Promise<boolean> {
  if (mongoose.connection.readyState !== 1) return false;
  const ping = mongoose.connection.db!.admin().ping();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('timeout')), 1000).unref(),
  );
  return Promise.race([ping, timeout]).then(
    () => true,
    () => false,
  );
}

const staticFiles: Record<string, string> = { 'idp.css': 'text/css', 'idp.js': 'text/javascript' };

async function serveStatic(ctx: Context): Promise<void> {
  const name = String(ctx.params.file);
  const type = staticFiles[name];
  if (!type) return;
  ctx.type = type;
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.body = await readFile(path.join(viewsDir, 'static', name));
}

const handlers = new WeakMap<object, ReturnType<Koa['callback']>>();

/** Hands `/realms/{tenant}/...` to the tenant's oidc-provider, mounted at the tenant's path. */
function providerDispatch(runtime: Runtime) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const match = /^\/realms\/([^/]+)(\/.*)?$/.exec(ctx.path);
    if (!match) return next();

    const tenantId = match[1]!;
    const provider = TENANT_ID.test(tenantId) ? await runtime.tenants.providerFor(tenantId) : null;
    if (!provider) throw unknownTenant(tenantId);
    // A tenant disabled or removed by another process stops here, cached instance or not.
    if (!(await tenantForRequest(ctx.req, tenantId))) {
      runtime.tenants.evict(tenantId);
      throw unknownTenant(tenantId);
    }

    const prefix = `/realms/${tenantId}`;
    const request = ctx.req as typeof ctx.req & { baseUrl?: string };
    request.url = ctx.url.slice(prefix.length) || '/';
    request.baseUrl = prefix;
    ctx.respond = false;
    let handle = handlers.get(provider);
    if (!handle) handlers.set(provider, (handle = provider.callback()));
    await handle(ctx.req, ctx.res);
  };
}

export function createApp(runtime: Runtime): Koa {
  const app = new Koa();
  app.proxy = runtime.config.trustProxy;
  app.keys = runtime.secrets.cookieKeys;
  app.use(timeRequests);
  app.use(errorPages);

  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const { ready, checks } = await checkReady(runtime);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  });
  // For the operator's Prometheus; keep it off the public side of the proxy.
  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  router.get('/static/:file', serveStatic);
  // Before the tenant's oidc-provider, which would answer every other /realms/{tenant} path.
  router.get('/realms/:tenant/branding.css', serveBrandingCss);

  const interactions = interactionRouter(runtime);
  const account = accountRouter(runtime);
  app.use(router.routes());
  app.use(createAdminApi(runtime));
  app.use(interactions.routes());
  app.use(interactions.allowedMethods());
  app.use(account.routes());
  app.use(providerDispatch(runtime));
  return app;
}
