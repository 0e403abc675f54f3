import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { interactionRouter } from '../interactions/index.ts';
import { accountRouter } from './account/routes.ts';
import { ProductError, unknownTenant } from './errors.ts';
import { log } from './logger.ts';
import { frameFor, pageLocale, renderPage, viewsDir } from './pages.ts';
import type { Runtime } from './runtime.ts';
import { TENANT_ID } from './tenant-registry.ts';

/**
 * The one place that turns errors into responses. Expected errors show their catalogue message;
 * anything else is logged with its stack and shown as a plain "try again" page.
 */
async function errorPages(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && !ctx.body && ctx.respond !== false) {
      await renderPage(
        ctx,
        'error',
        frameFor(pageLocale(ctx)),
        { messageId: 'error.not-found' },
        404,
      );
    }
  } catch (error) {
    const known = error instanceof ProductError;
    const status = known ? error.status : 500;
    if (known)
      log.info({ code: error.code, detail: error.detail, path: ctx.path }, 'Refused a request');
    else log.error({ err: error, path: ctx.path }, 'A request failed unexpectedly');
    const messageId = known ? error.messageId : 'error.try-again';
    await renderPage(ctx, 'error', frameFor(pageLocale(ctx)), { messageId }, status);
  }
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
  app.use(errorPages);

  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const ready = mongoose.connection.readyState === 1;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'database unavailable' };
  });
  router.get('/static/:file', serveStatic);

  const interactions = interactionRouter(runtime);
  const account = accountRouter(runtime);
  app.use(router.routes());
  app.use(interactions.routes());
  app.use(interactions.allowedMethods());
  app.use(account.routes());
  app.use(providerDispatch(runtime));
  return app;
}
