import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { koaBody } from 'koa-body';
import type { Runtime } from '../../runtime.ts';
import type { Actor, AdminContext } from '../actor.ts';
import { endpointNotFound, forbidden } from '../errors.ts';
import { buildOpenApiDocument } from '../openapi.ts';
import { authenticate } from './authenticate.ts';
import type { Endpoint } from './endpoint.ts';
import { endpoints } from './endpoints.ts';
import { respondWithError } from './respond.ts';

export const API_PREFIX = '/admin/v1';

/**
 * Operators may do everything; a tenant administrator only `tenant` endpoints of their own
 * tenant; anyone else nothing. Checked before the tenant is even looked up, so a refusal never
 * tells whether a tenant exists.
 */
export function authorize(actor: Actor, endpoint: Endpoint, tenantId: string | undefined): void {
  if (actor.role === 'operator') return;
  if (actor.role === 'none') throw forbidden('the account holds no administration role');
  if (endpoint.access === 'operator') throw forbidden(`${endpoint.operationId} is for operators`);
  if (tenantId !== actor.tenant) throw forbidden('a tenant administrator of another tenant');
}

const toKoaPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function takeFirstValues(query: Context['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[key] = first;
  }
  return out;
}

function serve(runtime: Runtime, endpoint: Endpoint) {
  return async (ctx: Context) => {
    const actor = await authenticate(ctx.get('authorization'), runtime.config.publicUrl);
    ctx.state.adminActor = actor;
    const params = ctx.params as Record<string, string>;
    authorize(actor, endpoint, params.tenant);

    const admin: AdminContext = { actor, evict: (id) => runtime.tenants.evict(id) };
    const result = await endpoint.handle({
      admin,
      params,
      query: takeFirstValues(ctx.query),
      body: ctx.request.body,
    });
    ctx.status = endpoint.status ?? 200;
    ctx.body = result;
  };
}

/** The administration API, `/admin/v1/...`: JSON in, JSON out, errors included. */
export function createAdminApi(runtime: Runtime): Middleware {
  const router = new Router({ prefix: API_PREFIX });
  const body = koaBody({
    json: true,
    urlencoded: false,
    multipart: false,
    text: false,
    jsonLimit: '64kb',
  });
  const document = buildOpenApiDocument(runtime.config.publicUrl);
  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  for (const endpoint of endpoints) {
    router[endpoint.method](toKoaPath(endpoint.path), body, serve(runtime, endpoint));
  }
  const routes = router.routes();

  return async (ctx: Context, next: Next) => {
    if (ctx.path !== API_PREFIX && !ctx.path.startsWith(`${API_PREFIX}/`)) return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      await routes(ctx as never, async () => {
        throw endpointNotFound();
      });
    } catch (error) {
      await respondWithError(ctx, error);
    }
  };
}
