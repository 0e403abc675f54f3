import { z } from 'zod';
import { ssoSchema } from '../../tenant-file/schema.ts';
import { queryAuditEvents } from '../services/audit-query.ts';
import {
  clientInput,
  createClient,
  listTenantClients,
  removeClient,
  updateClient,
} from '../services/clients.ts';
import { setPolicy, showPolicy } from '../services/policy.ts';
import { policyInput } from '../services/policy-input.ts';
import { previewPolicy } from '../services/preview.ts';
import { setSso, showSso } from '../services/sso.ts';
import {
  createTenant,
  createTenantInput,
  disableTenant,
  listTenants,
  showTenant,
} from '../services/tenants.ts';
import type { Endpoint } from './endpoint.ts';

const T = '/tenants/{tenant}';

/** Tenants, their applications, the 2FA policy, SSO settings and the audit trail. */
export const tenantEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/tenants',
    access: 'operator',
    operationId: 'listTenants',
    summary: 'List all tenants',
    handle: () => listTenants(),
  },
  {
    method: 'post',
    path: '/tenants',
    access: 'operator',
    operationId: 'createTenant',
    summary: 'Create a tenant with a new signing key and the default 2FA group',
    body: createTenantInput,
    status: 201,
    handle: ({ admin, body }) => createTenant(admin, body),
  },
  {
    method: 'get',
    path: T,
    access: 'tenant',
    operationId: 'showTenant',
    summary: "Show a tenant's settings, groups and profiles",
    handle: ({ params }) => showTenant(params.tenant!),
  },
  {
    method: 'post',
    path: `${T}/disable`,
    access: 'operator',
    operationId: 'disableTenant',
    summary: 'Disable a tenant: nobody can sign in to it any more',
    handle: ({ admin, params }) => disableTenant(admin, params.tenant!),
  },
  {
    method: 'get',
    path: `${T}/clients`,
    access: 'operator',
    operationId: 'listClients',
    summary: "List the tenant's applications (secrets are never shown)",
    handle: ({ params }) => listTenantClients(params.tenant!),
  },
  {
    method: 'post',
    path: `${T}/clients`,
    access: 'operator',
    operationId: 'createClient',
    summary: 'Register an application; a generated secret is shown once',
    body: clientInput,
    status: 201,
    handle: ({ admin, params, body }) => createClient(admin, params.tenant!, body),
  },
  {
    method: 'put',
    path: `${T}/clients/{client}`,
    access: 'operator',
    operationId: 'updateClient',
    summary: "Replace an application's metadata (without client_secret the secret is kept)",
    body: clientInput.partial({ client_id: true }),
    handle: ({ admin, params, body }) => updateClient(admin, params.tenant!, params.client!, body),
  },
  {
    method: 'delete',
    path: `${T}/clients/{client}`,
    access: 'operator',
    operationId: 'removeClient',
    summary: 'Remove an application',
    handle: ({ admin, params }) => removeClient(admin, params.tenant!, params.client!),
  },
  {
    method: 'get',
    path: `${T}/policy`,
    access: 'operator',
    operationId: 'showPolicy',
    summary: "Show the tenant's 2FA policy",
    handle: ({ params }) => showPolicy(params.tenant!),
  },
  {
    method: 'put',
    path: `${T}/policy`,
    access: 'operator',
    operationId: 'setPolicy',
    summary: 'Set the 2FA policy; a start date in the past needs confirm: true',
    body: policyInput,
    handle: ({ admin, params, body }) => setPolicy(admin, params.tenant!, body),
  },
  {
    method: 'post',
    path: `${T}/policy/preview`,
    access: 'operator',
    operationId: 'previewPolicy',
    summary: 'Who would need a code under a new policy, and who would stop needing one',
    body: policyInput.omit({ confirm: true }).extend({ client: z.string().min(1).optional() }),
    handle: ({ params, body }) => {
      const { client, ...policy } = (body ?? {}) as { client?: string };
      return previewPolicy(params.tenant!, policy, client);
    },
  },
  {
    method: 'get',
    path: `${T}/sso`,
    access: 'operator',
    operationId: 'showSso',
    summary: 'Show the SSO settings (client secrets are never shown)',
    handle: ({ params }) => showSso(params.tenant!),
  },
  {
    method: 'put',
    path: `${T}/sso`,
    access: 'operator',
    operationId: 'setSso',
    summary: 'Replace the SSO settings, validated as in the tenant file',
    body: ssoSchema,
    handle: ({ admin, params, body }) => setSso(admin, params.tenant!, body),
  },
  {
    method: 'delete',
    path: `${T}/sso`,
    access: 'operator',
    operationId: 'removeSso',
    summary: 'Remove SSO: everyone then signs in with a password',
    handle: ({ admin, params }) => setSso(admin, params.tenant!, null),
  },
  {
    method: 'get',
    path: `${T}/audit-events`,
    access: 'tenant',
    operationId: 'listAuditEvents',
    summary: "The tenant's audit events, newest first",
    query: {
      account: 'username or account id',
      type: 'event type, e.g. admin.user-updated',
      from: 'instant, or wall-clock time in the tenant time zone (inclusive)',
      to: 'instant, or wall-clock time in the tenant time zone (exclusive)',
      limit: '1-1000, default 100',
    },
    handle: ({ params, query }) => queryAuditEvents(params.tenant!, query),
  },
];
