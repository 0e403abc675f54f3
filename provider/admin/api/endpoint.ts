import type { z } from 'zod';
import type { AdminContext } from '../actor.ts';

/**
 * One operation of the administration API. The list of these is the API: the router serves it,
 * the OpenAPI document describes it, and the role tests walk it.
 * `access`: `operator` endpoints are the platform operator's alone (tenants, applications,
 * policy, SSO, exemptions); `tenant` endpoints are also open to a tenant administrator, for
 * their own tenant only.
 */
export interface Endpoint {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style, relative to /admin/v1: `/tenants/{tenant}/users/{user}`. */
  path: string;
  access: 'operator' | 'tenant';
  operationId: string;
  summary: string;
  /** The schema the body is parsed with, also published in the OpenAPI document. */
  body?: z.ZodType;
  /** Query parameters, as name → description. */
  query?: Record<string, string>;
  /** Success status; 200 unless told. */
  status?: number;
  handle(call: Call): Promise<unknown>;
}

export interface Call {
  admin: AdminContext;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}
