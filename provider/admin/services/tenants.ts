import { TenantModel, type Tenant } from '../../../adapters/tenants.ts';
import { generateSigningKey } from '../../signing-keys.ts';
import { tenantSchema } from '../../tenant-file/schema.ts';
import { ADMIN_TENANT, type AdminContext } from '../actor.ts';
import { recordChange } from '../audit.ts';
import { alreadyExists, reservedTenant } from '../errors.ts';
import { parseInput } from '../input.ts';
import { describeTenant } from './describe.ts';
import { loadTenant } from './lookups.ts';

export const createTenantInput = tenantSchema.pick({
  id: true,
  name: true,
  locale: true,
  timeZone: true,
});

/** Every tenant starts with the 2FA group the policy names by default (DESIGN.md). */
const DEFAULT_GROUPS = [{ code: '2FA', name: 'Two-factor authentication' }];

export async function listTenants() {
  const tenants = await TenantModel.find({}).sort({ _id: 1 }).lean<Tenant[]>();
  return tenants.map((tenant) => ({
    id: tenant._id,
    name: tenant.name,
    disabled: Boolean(tenant.disabled),
    method: tenant.twoFactor?.method ?? 'off',
  }));
}

export async function showTenant(id: string) {
  return describeTenant(await loadTenant(id));
}

/**
 * One insert creates the whole tenant, signing key included, so it is served complete or not at
 * all; a parallel create of the same id loses on the duplicate `_id`.
 */
export async function insertTenant(fields: Partial<Tenant> & { _id: string; name: string }) {
  try {
    await TenantModel.create({
      locale: 'en',
      timeZone: 'UTC',
      twoFactor: { method: 'off' },
      groups: DEFAULT_GROUPS,
      profiles: [],
      ...fields,
      signingKeys: [await generateSigningKey()],
    });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw alreadyExists('tenant', fields._id);
    throw error;
  }
}

export async function createTenant(admin: AdminContext, input: unknown) {
  const entry = parseInput(createTenantInput, input);
  if (entry.id === ADMIN_TENANT) throw reservedTenant(entry.id);

  await insertTenant({
    _id: entry.id,
    name: entry.name,
    locale: entry.locale,
    timeZone: entry.timeZone,
  });
  const created = await loadTenant(entry.id);
  await recordChange(admin, {
    tenant: entry.id,
    type: 'admin.tenant-created',
    target: `tenant:${entry.id}`,
    changes: {
      name: { to: created.name },
      locale: { to: created.locale },
      timeZone: { to: created.timeZone },
    },
  });
  admin.evict(entry.id);
  return describeTenant(created);
}

/**
 * Sign-ins stop everywhere at once (every step reads the tenant fresh). The cached provider is
 * evicted in this process only.
 * Known shortcoming: other processes, and any process when the CLI disables a tenant, keep
 * answering token and userinfo requests of the tenant until restarted; a shared cache version
 * in the database that each registry checks would remove this.
 */
export async function disableTenant(admin: AdminContext, id: string) {
  const tenant = await loadTenant(id);
  if (id === ADMIN_TENANT) throw reservedTenant(id);
  if (!tenant.disabled) {
    await TenantModel.updateOne({ _id: id }, { $set: { disabled: true } });
    await recordChange(admin, {
      tenant: id,
      type: 'admin.tenant-disabled',
      target: `tenant:${id}`,
      changes: { disabled: { from: false, to: true } },
    });
  }
  admin.evict(id);
  return describeTenant({ ...tenant, disabled: true });
}
