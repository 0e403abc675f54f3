import { findClientMetadata } from '../../../adapters/clients.ts';
import { TenantModel, type Tenant } from '../../../adapters/tenants.ts';
import { lookupKey, UserModel, type User } from '../../../adapters/users.ts';
import { TENANT_ID } from '../../tenant-registry.ts';
import {
  tenantDisabled,
  unknownClient,
  unknownGroup,
  unknownProfile,
  unknownTenant,
  unknownUser,
} from '../errors.ts';

/** A tenant, disabled ones included: operators still see and repair them. */
export async function loadTenant(id: string): Promise<Tenant> {
  const tenant = TENANT_ID.test(id) ? await TenantModel.findOne({ _id: id }).lean<Tenant>() : null;
  if (!tenant) throw unknownTenant(id);
  return tenant;
}

export async function loadEnabledTenant(id: string): Promise<Tenant> {
  const tenant = await loadTenant(id);
  if (tenant.disabled) throw tenantDisabled(id);
  return tenant;
}

/** A user by username (any origin), the name administrators know them by. */
export async function loadUser(tenantId: string, username: string): Promise<User> {
  const user = await UserModel.findOne({
    tenant: tenantId,
    usernameKey: lookupKey(username),
  }).lean<User>();
  if (!user) throw unknownUser(`no user "${username}" in tenant "${tenantId}"`);
  return user;
}

export function requireGroup(tenant: Tenant, code: string): void {
  if (!tenant.groups.some((group) => group.code === code)) throw unknownGroup(code);
}

/** The profile's position too: profile changes write that element only. */
export function requireProfile(tenant: Tenant, code: string): number {
  const index = tenant.profiles.findIndex((profile) => profile.code === code);
  if (index < 0) throw unknownProfile(code);
  return index;
}

export async function requireClient(tenantId: string, clientId: string): Promise<void> {
  if (!(await findClientMetadata(tenantId, clientId))) throw unknownClient(clientId);
}
