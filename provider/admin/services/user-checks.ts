import { trusted } from '../../../adapters/connection.ts';
import type { Tenant } from '../../../adapters/tenants.ts';
import { lookupKey, UserModel, type User } from '../../../adapters/users.ts';
import { isOperator, listRolesFor, type AdminContext } from '../actor.ts';
import { emailInUse, forbidden, invalidInput, usernameIsEmail } from '../errors.ts';
import { requireGroup, requireProfile } from './lookups.ts';

/**
 * The rules a user record must meet before it is written, shared by create and update: names
 * point at existing groups and profiles, roles fit the tenant, and sign-in by username or email
 * still finds exactly one local account (as the import checks, provider/tenant-file/validate.ts).
 */

export function checkReferences(
  tenant: Tenant,
  fields: { profile?: string | null; groups?: string[] },
) {
  if (fields.profile) requireProfile(tenant, fields.profile);
  const seen = new Set<string>();
  for (const group of fields.groups ?? []) {
    requireGroup(tenant, group);
    if (seen.has(group)) throw invalidInput([`groups: group "${group}" listed twice`]);
    seen.add(group);
  }
}

/**
 * Roles and the account type are the operator's: a Partner account never gets the code, and a
 * role opens the administration API, so a tenant administrator can change neither.
 */
export function checkOperatorFields(
  admin: AdminContext,
  tenant: Tenant,
  fields: { roles?: string[]; type?: string },
) {
  const touched = fields.roles !== undefined || fields.type !== undefined;
  if (touched && !isOperator(admin.actor)) {
    throw forbidden('only operators set roles or the account type');
  }
  const allowed = listRolesFor(tenant._id);
  for (const role of fields.roles ?? []) {
    if (!allowed.includes(role)) {
      throw invalidInput([`roles: "${role}" is not a role of this tenant (${allowed.join(', ')})`]);
    }
  }
}

/** `self` is the account being changed, which may keep its own name and address. */
export async function checkSignInNames(
  tenantId: string,
  names: { username?: string; email?: string | null },
  self?: User,
) {
  const others = (filter: Record<string, unknown>) =>
    UserModel.exists({
      tenant: tenantId,
      origin: 'local',
      ...filter,
      ...(self && { _id: trusted({ $ne: self._id }) }),
    });
  if (names.email) {
    const key = lookupKey(names.email);
    if (await others({ $or: trusted([{ emailKey: key }, { usernameKey: key }]) })) {
      throw emailInUse();
    }
  }
  if (names.username?.includes('@')) {
    if (await others({ emailKey: lookupKey(names.username) })) throw usernameIsEmail();
  }
}
