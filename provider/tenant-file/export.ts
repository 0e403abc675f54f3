import type { ClientMetadata } from 'oidc-provider';
import { listClients } from '../../adapters/clients.ts';
import { TenantModel } from '../../adapters/tenants.ts';
import { UserModel } from '../../adapters/users.ts';
import type { ClientEntry, SsoSettings, TenantEntry, TenantFile, UserEntry } from './schema.ts';

/** The stored fields export reads, loosely typed because older documents may lack any of them. */
export interface StoredTenant {
  _id: string;
  name: string;
  locale?: string | null;
  timeZone?: string | null;
  twoFactor?: {
    method?: string | null;
    group?: string | null;
    effectiveFrom?: Date | null;
    clients?: string[] | null;
  } | null;
  sso?: unknown;
  branding?: {
    displayName?: string | null;
    logoUrl?: string | null;
    accentColor?: string | null;
  } | null;
  groups?: { code: string; name: string }[] | null;
  profiles?: { code: string; name: string; groups?: string[] | null }[] | null;
  signingKeys?: unknown[] | null;
}

export interface StoredUser {
  _id: string;
  username: string;
  usernameKey?: string;
  email?: string | null;
  emailKey?: string | null;
  name?: string | null;
  passwordHash?: string | null;
  type?: string | null;
  origin?: string | null;
  profile?: string | null;
  groups?: string[] | null;
  disabled?: boolean | null;
  locale?: string | null;
}

export type TenantSettings = Omit<TenantEntry, 'users' | 'clients'>;

/**
 * A tenant in file form, or null when there is none. Only local accounts are written: federated
 * ones are provisioned from their upstream and have no place in a file that creates local users.
 * Signing keys stay in the database. The file holds password hashes and client secrets, so treat
 * it like a database backup.
 */
export async function exportTenant(id: string): Promise<TenantFile | null> {
  const tenant = await TenantModel.findOne({ _id: id }).lean<StoredTenant>();
  if (!tenant) return null;
  const users = await UserModel.find({ tenant: id, origin: 'local' })
    .sort({ usernameKey: 1 })
    .lean<StoredUser[]>();
  const clients = await listClients(id);
  const entry: TenantEntry = describeTenantSettings(tenant);
  if (users.length) entry.users = users.map(describeUser);
  if (clients.length) entry.clients = clients.map(describeClient);
  return { tenants: [entry] };
}

/** Settings in file form; import compares with this too, so both sides normalise the same way. */
export function describeTenantSettings(tenant: StoredTenant): TenantSettings {
  const out: TenantSettings = {
    id: tenant._id,
    name: tenant.name,
    locale: tenant.locale === 'nl' ? 'nl' : 'en',
    timeZone: tenant.timeZone ?? 'UTC',
  };
  const policy = tenant.twoFactor;
  const method = policy?.method;
  out.twoFactor = { method: method === 'all' || method === 'group' ? method : 'off' };
  if (policy?.group) out.twoFactor.group = policy.group;
  if (policy?.effectiveFrom) out.twoFactor.effectiveFrom = policy.effectiveFrom.toISOString();
  if (policy?.clients) out.twoFactor.clients = [...policy.clients];
  if (tenant.sso) out.sso = tenant.sso as SsoSettings;
  const branding = describeBranding(tenant.branding);
  if (branding) out.branding = branding;
  if (tenant.groups?.length) {
    out.groups = tenant.groups.map((group) => ({ code: group.code, name: group.name }));
  }
  if (tenant.profiles?.length) {
    out.profiles = tenant.profiles.map((profile) => {
      const described: NonNullable<TenantSettings['profiles']>[number] = {
        code: profile.code,
        name: profile.name,
      };
      if (profile.groups?.length) described.groups = [...profile.groups];
      return described;
    });
  }
  return out;
}

export function describeUser(user: StoredUser): UserEntry {
  const out: UserEntry = { username: user.username };
  if (user.email) out.email = user.email;
  if (user.name) out.name = user.name;
  if (user.passwordHash) out.passwordHash = user.passwordHash;
  out.type = user.type === 'partner' ? 'partner' : 'standard';
  if (user.profile) out.profile = user.profile;
  if (user.groups?.length) out.groups = [...user.groups];
  if (user.disabled) out.disabled = true;
  if (user.locale === 'en' || user.locale === 'nl') out.locale = user.locale;
  return out;
}

/** Only the fields that are set, so an empty branding and none compare (and export) the same. */
function describeBranding(stored: StoredTenant['branding']): TenantSettings['branding'] {
  const out: NonNullable<TenantSettings['branding']> = {};
  if (stored?.displayName) out.displayName = stored.displayName;
  if (stored?.logoUrl) out.logoUrl = stored.logoUrl;
  if (stored?.accentColor) out.accentColor = stored.accentColor;
  return Object.keys(out).length ? out : undefined;
}

function describeClient(metadata: ClientMetadata): ClientEntry {
  return { ...metadata } as ClientEntry;
}
