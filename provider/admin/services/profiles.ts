import { TenantModel } from '../../../adapters/tenants.ts';
import { profileSchema } from '../../tenant-file/schema.ts';
import type { AdminContext } from '../actor.ts';
import { recordChange } from '../audit.ts';
import { alreadyExists, changedMeanwhile } from '../errors.ts';
import { parseInput } from '../input.ts';
import { loadTenant, requireGroup, requireProfile } from './lookups.ts';
import { checkReferences } from './user-checks.ts';

/**
 * Profiles live in the tenant document. A group change writes the one profile's group list by
 * its position, guarded by its code at that position (FerretDB 1.x has no positional `$`), so
 * a profile that moved meanwhile is not touched. A new group takes effect for every holder of
 * the profile at their next authorization request.
 */

export async function listProfiles(tenantId: string) {
  return (await loadTenant(tenantId)).profiles;
}

export async function createProfile(admin: AdminContext, tenantId: string, input: unknown) {
  const tenant = await loadTenant(tenantId);
  const entry = parseInput(profileSchema, input);
  if (tenant.profiles.some((p) => p.code === entry.code))
    throw alreadyExists('profile', entry.code);
  checkReferences(tenant, { groups: entry.groups });

  const profile = { code: entry.code, name: entry.name, groups: entry.groups ?? [] };
  await TenantModel.updateOne({ _id: tenantId }, { $push: { profiles: profile } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.profile-created',
    target: `profile:${profile.code}`,
    changes: { name: { to: profile.name }, groups: { to: profile.groups } },
  });
  return profile;
}

export async function changeProfileGroup(
  admin: AdminContext,
  tenantId: string,
  code: string,
  group: string,
  change: 'add' | 'remove',
) {
  const tenant = await loadTenant(tenantId);
  const index = requireProfile(tenant, code);
  requireGroup(tenant, group);
  const profile = tenant.profiles[index]!;
  if (profile.groups.includes(group) === (change === 'add')) return profile;

  const path = `profiles.${index}.groups`;
  const result = await TenantModel.updateOne(
    { _id: tenantId, [`profiles.${index}.code`]: code },
    change === 'add' ? { $addToSet: { [path]: group } } : { $pull: { [path]: group } },
  );
  if (!result.matchedCount) throw changedMeanwhile();

  const groups =
    change === 'add' ? [...profile.groups, group] : profile.groups.filter((g) => g !== group);
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.profile-updated',
    target: `profile:${code}`,
    changes: { groups: change === 'add' ? { added: [group] } : { removed: [group] } },
  });
  return { ...profile, groups };
}
