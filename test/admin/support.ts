import { randomBytes } from 'node:crypto';
import { findClientMetadata } from '../../adapters/clients.ts';
import { ADMIN_TENANT, type AdminContext } from '../../provider/admin/actor.ts';
import { bootstrapAdmin } from '../../provider/admin/bootstrap.ts';
import { createClient, updateClient } from '../../provider/admin/services/clients.ts';
import { updateUser } from '../../provider/admin/services/users.ts';
import { adminAudience } from '../../provider/admin/token-settings.ts';
import { testEnvironment } from '../support/environment.ts';
import {
  REDIRECT_URI,
  relyingParty,
  signInFully,
  type RelyingParty,
} from '../support/relying-party.ts';
import { PASSWORD } from '../support/tenants.ts';

/** Helpers for the administration tests: tokens from real sign-ins, and JSON requests. */

export const ADMIN_APP = 'admin-console';
export const ADMIN_APP_SECRET = 'admin-console-secret-0123456789abcdef';

/** Shell access, as the CLI acts: for setting up what a test starts from. */
export const shell: AdminContext = {
  actor: { role: 'operator', name: 'cli:test' },
  evict: (tenantId) => testEnvironment().provider.runtime.tenants.evict(tenantId),
};

/** An application of the tenant that may ask for admin tokens, with a known secret. */
export async function adminApp(tenantId: string): Promise<RelyingParty> {
  const metadata = {
    client_id: ADMIN_APP,
    client_secret: ADMIN_APP_SECRET,
    redirect_uris: [REDIRECT_URI],
    admin_api: true,
  };
  if (await findClientMetadata(tenantId, ADMIN_APP)) {
    await updateClient(shell, tenantId, ADMIN_APP, metadata);
  } else {
    await createClient(shell, tenantId, metadata);
  }
  const issuer = `${testEnvironment().baseUrl}/realms/${tenantId}`;
  return relyingParty(issuer, ADMIN_APP, ADMIN_APP_SECRET);
}

export interface Person {
  username: string;
  password: string;
  email?: string;
}

/** A new operator in the admin tenant (created by the bootstrap on first use). */
export async function createOperator(): Promise<Person> {
  const username = `op-${randomBytes(4).toString('hex')}`;
  const email = `${username}@operators.example`;
  await bootstrapAdmin(shell, { username, email, password: PASSWORD });
  return { username, email, password: PASSWORD };
}

export async function grantRole(tenantId: string, username: string, role: string) {
  await updateUser(shell, tenantId, username, { roles: [role] });
}

export const adminParams = () => ({
  resource: adminAudience(testEnvironment().baseUrl),
  scope: 'openid admin',
});

/** Signs the person in at the application (email code included) and returns the access token. */
export async function adminToken(rp: RelyingParty, person: Person): Promise<string> {
  const { tokens } = await signInFully(rp, testEnvironment().inbox, person, {
    params: adminParams(),
  });
  return tokens.access_token;
}

export async function operatorToken(): Promise<{ operator: Person; token: string }> {
  const operator = await createOperator();
  const rp = await adminApp(ADMIN_TENANT);
  return { operator, token: await adminToken(rp, operator) };
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read freely
  body: any;
}

/** One request to /admin/v1; the token is left out when undefined. */
export async function call(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${testEnvironment().baseUrl}/admin/v1${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
