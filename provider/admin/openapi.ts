import { z } from 'zod';
import type { Endpoint } from './api/endpoint.ts';
import { endpoints } from './api/endpoints.ts';
import { ADMIN_SCOPE, ADMIN_TOKEN_TTL_S, adminAudience } from './token-settings.ts';

/**
 * The OpenAPI 3.1 document of /admin/v1, built from the endpoint list itself, and the request
 * schemas from the very zod schemas the API parses with, so the document cannot drift from
 * what is served. Served at /admin/v1/openapi.json without a token.
 */
export function buildOpenApiDocument(publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of endpoints) {
    paths[endpoint.path] ??= {};
    paths[endpoint.path]![endpoint.method] = describeOperation(endpoint);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'idp administration API',
      version: '1',
      description: [
        'Administration of tenants, applications, users, groups, profiles, the 2FA policy and',
        'SSO settings. Send a JWT access token from the provider itself: an authorization-code',
        `flow at your tenant with resource=${adminAudience(publicUrl)} and scope ${ADMIN_SCOPE},`,
        'by an application registered with admin_api: true. Operators sign in to the tenant',
        '"admin" (role operator); tenant administrators to their own tenant (role tenant-admin).',
        `Tokens last ${ADMIN_TOKEN_TTL_S / 60} minutes. x-access says who may call an operation.`,
      ].join(' '),
    },
    servers: [{ url: `${publicUrl}/admin/v1` }],
    security: [{ adminToken: [] }],
    paths,
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: { Error: errorSchema },
      responses: Object.fromEntries(
        Object.entries(failures).map(([status, description]) => [
          `E${status}`,
          {
            description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'stable, e.g. unknown-user, effective-date-in-past' },
    message: { type: 'string', description: 'for people, in the Accept-Language language' },
    problems: { type: 'array', items: { type: 'string' }, description: 'field: problem' },
  },
};

const failures: Record<string, string> = {
  400: 'invalid input',
  401: 'no token, or an invalid or expired one',
  403: 'the token holder may not do this (recorded as admin.forbidden)',
  404: 'unknown tenant, user, group, profile or application',
  409: 'conflicts with what is stored, or needs confirm: true',
  422: 'a date that must be in the future is not',
};

function describeOperation(endpoint: Endpoint) {
  const names = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const parameters = [
    ...names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(endpoint.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    })),
  ];
  const status = String(endpoint.status ?? 200);
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    'x-access': endpoint.access,
    ...(parameters.length && { parameters }),
    ...(endpoint.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: describeSchema(endpoint.body) } },
      },
    }),
    responses: {
      [status]: { description: 'done', content: { 'application/json': { schema: {} } } },
      ...Object.fromEntries(
        Object.keys(failures).map((code) => [code, { $ref: `#/components/responses/E${code}` }]),
      ),
    },
  };
}

function describeSchema(schema: z.ZodType) {
  const described = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  // The document's own dialect (JSON Schema 2020-12 in OpenAPI 3.1) applies; no need to repeat it.
  delete described.$schema;
  return described;
}
