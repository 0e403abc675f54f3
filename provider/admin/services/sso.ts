import { TenantModel } from '../../../adapters/tenants.ts';
import { validateTenantFile } from '../../tenant-file/validate.ts';
import type { AdminContext } from '../actor.ts';
import { recordChange } from '../audit.ts';
import { invalidInput } from '../errors.ts';
import { describeSso } from './describe.ts';
import { loadTenant } from './lookups.ts';

export async function showSso(tenantId: string) {
  return { sso: describeSso((await loadTenant(tenantId)).sso) };
}

/**
 * Stores the SSO settings as given, once the tenant file's own validation accepts them (shape,
 * https issuers, each domain listed once). `null` removes SSO: everyone then uses a password.
 * Client secrets never reach the audit trail.
 */
export async function setSso(admin: AdminContext, tenantId: string, sso: unknown) {
  const tenant = await loadTenant(tenantId);
  if (sso !== null) {
    const checked = validateTenantFile({ tenants: [{ id: tenantId, name: tenant.name, sso }] });
    if (!checked.ok)
      throw invalidInput(checked.errors.map((e) => e.replace(/^tenants\[0\]\./, '')));
  }

  await TenantModel.updateOne(
    { _id: tenantId },
    sso === null ? { $unset: { sso: 1 } } : { $set: { sso } },
  );
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.sso-changed',
    target: 'sso',
    changes: { sso: { from: describeSso(tenant.sso), to: describeSso(sso) } },
  });
  admin.evict(tenantId);
  return { sso: describeSso(sso) };
}
