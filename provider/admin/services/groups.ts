import { TenantModel } from '../../../adapters/tenants.ts';
import { UserModel } from '../../../adapters/users.ts';
import { groupSchema } from '../../tenant-file/schema.ts';
import type { AdminContext } from '../actor.ts';
import { recordChange } from '../audit.ts';
import { alreadyExists, groupInUse } from '../errors.ts';
import { parseInput } from '../input.ts';
import { loadTenant, requireGroup } from './lookups.ts';

/**
 * Groups live in the tenant document, so each change is one update of it. FerretDB 1.x cannot
 * filter arrays of sub-documents by field ($ne on `groups.code` matches anyway, measured), so
 * the existence check reads first. Known shortcoming: two creates of the same code at the same
 * instant can both pass the check; removing the duplicate removes both (the `$pull` matches by
 * code). A claim per group code (adapters/claims.ts) would close this.
 */

export async function listGroups(tenantId: string) {
  return (await loadTenant(tenantId)).groups;
}

export async function createGroup(admin: AdminContext, tenantId: string, input: unknown) {
  const tenant = await loadTenant(tenantId);
  const group = parseInput(groupSchema, input);
  if (tenant.groups.some((g) => g.code === group.code)) throw alreadyExists('group', group.code);

  await TenantModel.updateOne({ _id: tenantId }, { $push: { groups: group } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.group-created',
    target: `group:${group.code}`,
    changes: { name: { to: group.name } },
  });
  return group;
}

/** A group still held, or named by the policy, stays: removing it would change 2FA decisions. */
export async function removeGroup(admin: AdminContext, tenantId: string, code: string) {
  const tenant = await loadTenant(tenantId);
  requireGroup(tenant, code);
  if (tenant.twoFactor?.group === code) throw groupInUse(code, 'named by the 2FA policy');
  const profile = tenant.profiles.find((p) => p.groups.includes(code));
  if (profile) throw groupInUse(code, `held by profile "${profile.code}"`);
  if (await UserModel.exists({ tenant: tenantId, groups: code })) {
    throw groupInUse(code, 'held by a user');
  }

  await TenantModel.updateOne({ _id: tenantId }, { $pull: { groups: { code } } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.group-removed',
    target: `group:${code}`,
  });
  return { removed: code };
}
