import { randomBytes } from 'node:crypto';
import { findClientMetadata } from '../../adapters/clients.ts';
import { TenantModel } from '../../adapters/tenants.ts';
import { lookupKey, UserModel, type User } from '../../adapters/users.ts';
import { now } from '../clock.ts';
import { ADMIN_TENANT, OPERATOR_ROLE, type AdminContext } from './actor.ts';
import { createClient } from './services/clients.ts';
import { insertTenant } from './services/tenants.ts';
import { createUser, updateUser } from './services/users.ts';

export const ADMIN_CLIENT_ID = 'admin-console';

/**
 * `idp admin bootstrap`: the reserved administration tenant `admin` (like Keycloak's master
 * realm), one operator in it, and optionally the admin-capable application operators sign in
 * with. Shell access on the server is operator access, so this needs no token. Running it again
 * creates only what is missing; an existing user of that name becomes an operator.
 *
 * Operators always enter an email code: the admin tenant's policy is `all` from its creation.
 */
export async function bootstrapAdmin(
  admin: AdminContext,
  input: { username: string; email: string; password?: string; redirectUris?: string[] },
) {
  const created = !(await TenantModel.exists({ _id: ADMIN_TENANT }));
  if (created) {
    await insertTenant({
      _id: ADMIN_TENANT,
      name: 'Administration',
      twoFactor: { method: 'all', effectiveFrom: now() },
    }).catch((error: { code?: string }) => {
      // Another bootstrap won the race; its tenant is as good as ours.
      if (error.code !== 'tenant-exists') throw error;
    });
  }

  const existing = await UserModel.findOne({
    tenant: ADMIN_TENANT,
    usernameKey: lookupKey(input.username),
  }).lean<User>();
  const password = existing ? undefined : (input.password ?? randomBytes(15).toString('base64url'));
  const user = existing
    ? await updateUser(admin, ADMIN_TENANT, input.username, {
        roles: [...new Set([...(existing.roles ?? []), OPERATOR_ROLE])],
      })
    : await createUser(admin, ADMIN_TENANT, {
        username: input.username,
        email: input.email,
        password,
        roles: [OPERATOR_ROLE],
      });

  let client: Record<string, unknown> | undefined;
  const hasClient = await findClientMetadata(ADMIN_TENANT, ADMIN_CLIENT_ID);
  if (!hasClient && input.redirectUris?.length) {
    client = await createClient(admin, ADMIN_TENANT, {
      client_id: ADMIN_CLIENT_ID,
      client_name: 'Administration',
      redirect_uris: input.redirectUris,
      admin_api: true,
    });
  }

  return {
    tenant: { id: ADMIN_TENANT, created },
    operator: { ...user, ...(password && !input.password && { password }) },
    ...(client && { client }),
  };
}
