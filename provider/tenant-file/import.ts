import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { hash, verify } from '@node-rs/argon2';
import type { ClientMetadata } from 'oidc-provider';
import { ClientModel, clientKey, saveClient } from '../../adapters/clients.ts';
import { trusted } from '../../adapters/connection.ts';
import { TenantModel } from '../../adapters/tenants.ts';
import { UserModel, lookupKey } from '../../adapters/users.ts';
import { generateSigningKey } from '../signing-keys.ts';
import {
  describeTenantSettings,
  describeUser,
  type StoredTenant,
  type StoredUser,
} from './export.ts';
import type { TenantEntry, TenantFile, UserEntry } from './schema.ts';
import { formatPath } from './validate.ts';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportSummary {
  tenants: ImportCounts;
  users: ImportCounts;
  clients: ImportCounts;
}

/** The file contradicts what is already stored; nothing was written. */
export class ImportConflictError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`Import refused:\n${errors.join('\n')}`);
    this.errors = errors;
  }
}

interface Plan {
  entry: TenantEntry;
  tenant: StoredTenant | null;
  users: Map<string, StoredUser>;
  clients: Map<string, ClientMetadata>;
}

/**
 * Upserts a validated file: the file's tenants, users and clients end up as the file says, and
 * running it again changes nothing. Users and clients that are not in the file are left alone
 * (import never deletes). Everything is read and checked against the stored state first, so a
 * conflict writes nothing.
 *
 * There are no transactions (FerretDB 1.x has none), so a crash can leave part of a file applied.
 * Each write is a whole-document upsert, so running the same import again repairs it. Users and
 * clients are written before the tenant document: a new tenant is only served once its accounts
 * exist, and a tenant's new groups, profiles and policy take effect in one final update.
 */
export async function importTenantFile(file: TenantFile): Promise<ImportSummary> {
  const plans: Plan[] = [];
  const conflicts: string[] = [];
  for (const [t, entry] of file.tenants.entries()) {
    const plan = await readStoredState(entry);
    conflicts.push(...findConflicts(plan, ['tenants', t]));
    plans.push(plan);
  }
  if (conflicts.length) throw new ImportConflictError(conflicts);

  const summary: ImportSummary = { tenants: counts(), users: counts(), clients: counts() };
  for (const plan of plans) {
    for (const user of plan.entry.users ?? []) await writeUser(plan, user, summary.users);
    for (const client of plan.entry.clients ?? []) await writeClient(plan, client, summary.clients);
    await writeTenant(plan, summary.tenants);
  }
  return summary;
}

const counts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0 });

async function readStoredState(entry: TenantEntry): Promise<Plan> {
  const tenant = await TenantModel.findOne({ _id: entry.id }).lean<StoredTenant>();
  const stored = await UserModel.find({ tenant: entry.id }).lean<StoredUser[]>();
  const ids = (entry.clients ?? []).map((client) => clientKey(entry.id, client.client_id));
  const clients = ids.length ? await ClientModel.find({ _id: trusted({ $in: ids }) }).lean() : [];
  return {
    entry,
    tenant,
    users: new Map(stored.map((user) => [user.usernameKey ?? lookupKey(user.username), user])),
    clients: new Map(clients.map((row) => [row.clientId, row.metadata as ClientMetadata])),
  };
}

/**
 * What the file cannot say about accounts it does not list: a federated account cannot become a
 * local one, another account's address would make sign-in by email ambiguous, and a group or
 * profile still held outside the file would vanish from under that user's 2FA decision.
 */
function findConflicts(plan: Plan, at: (string | number)[]): string[] {
  const errors: string[] = [];
  const report = (path: (string | number)[], problem: string) =>
    errors.push(`${formatPath([...at, ...path])}: ${problem}`);
  const fileUsers = plan.entry.users ?? [];
  const inFile = new Set(fileUsers.map((user) => lookupKey(user.username)));
  const others = [...plan.users].filter(([key]) => !inFile.has(key)).map(([, user]) => user);
  const groups = new Set((plan.entry.groups ?? []).map((group) => group.code));
  const profiles = new Set((plan.entry.profiles ?? []).map((profile) => profile.code));

  fileUsers.forEach((user, i) => {
    if (plan.users.get(lookupKey(user.username))?.origin === 'federated') {
      report(['users', i, 'username'], 'belongs to a federated account');
    }
    const email = user.email && lookupKey(user.email);
    const holder = others.find((o) => o.origin !== 'federated' && o.emailKey === email);
    if (email && holder) report(['users', i, 'email'], `already used by user "${holder.username}"`);
  });
  for (const other of others) {
    const outside = `is still held by user "${other.username}", who is not in the file`;
    if (other.profile && !profiles.has(other.profile)) {
      report(['profiles'], `profile "${other.profile}" ${outside}`);
    }
    for (const group of other.groups ?? []) {
      if (!groups.has(group)) report(['groups'], `group "${group}" ${outside}`);
    }
  }
  return errors;
}

async function writeUser(plan: Plan, user: UserEntry, tally: ImportCounts): Promise<void> {
  const usernameKey = lookupKey(user.username);
  const existing = plan.users.get(usernameKey);
  const passwordHash = await choosePasswordHash(user, existing?.passwordHash ?? undefined);
  const desired = describeUser({ ...user, _id: '', passwordHash });
  if (existing && isDeepStrictEqual(describeUser(existing), desired)) {
    tally.unchanged += 1;
    return;
  }
  const fields: Record<string, unknown> = {
    username: user.username,
    email: user.email,
    emailKey: user.email === undefined ? undefined : lookupKey(user.email),
    name: user.name,
    passwordHash,
    type: desired.type,
    profile: user.profile,
    groups: user.groups ?? [],
    disabled: user.disabled ?? false,
    locale: user.locale,
  };
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const unset = Object.fromEntries(
    Object.entries(fields).flatMap(([key, value]) => (value === undefined ? [[key, 1]] : [])),
  );
  // By `_id` (the stored user's, or a new one): the cheapest filter on every server, and the
  // unique (tenant, usernameKey) index still refuses a second account of the same name.
  await UserModel.updateOne(
    { _id: existing?._id ?? randomUUID() },
    {
      $set: { ...set, tenant: plan.entry.id, usernameKey },
      ...(Object.keys(unset).length && { $unset: unset }),
      $setOnInsert: { origin: 'local' },
    },
    { upsert: true },
  );
  tally[existing ? 'updated' : 'created'] += 1;
}

/** Re-hashing a password that already verifies would change the stored salt on every import. */
async function choosePasswordHash(user: UserEntry, stored: string | undefined) {
  if (user.passwordHash !== undefined) return user.passwordHash;
  if (user.password === undefined) return undefined;
  if (stored && (await verify(stored, user.password).catch(() => false))) return stored;
  return hash(user.password);
}

async function writeClient(plan: Plan, client: ClientMetadata, tally: ImportCounts) {
  const existing = plan.clients.get(client.client_id);
  if (existing && isDeepStrictEqual(existing, client)) {
    tally.unchanged += 1;
    return;
  }
  await saveClient(plan.entry.id, client);
  tally[existing ? 'updated' : 'created'] += 1;
}

async function writeTenant(plan: Plan, tally: ImportCounts): Promise<void> {
  const { entry, tenant } = plan;
  const policy = entry.twoFactor ?? { method: 'off' };
  const fields = {
    name: entry.name,
    locale: entry.locale ?? 'en',
    timeZone: entry.timeZone ?? 'UTC',
    ...(entry.branding && { branding: entry.branding }),
    twoFactor: {
      method: policy.method,
      ...(policy.group && { group: policy.group }),
      ...(policy.effectiveFrom && { effectiveFrom: new Date(policy.effectiveFrom) }),
      ...(policy.clients && { clients: policy.clients }),
    },
    groups: entry.groups ?? [],
    profiles: (entry.profiles ?? []).map((profile) => ({
      ...profile,
      groups: profile.groups ?? [],
    })),
  };
  if (!tenant) {
    const signingKeys = [await generateSigningKey()];
    await TenantModel.create({ _id: entry.id, ...fields, sso: entry.sso, signingKeys });
    tally.created += 1;
    return;
  }
  const desired = describeTenantSettings({ _id: entry.id, ...fields, sso: entry.sso });
  const missingKey = !tenant.signingKeys?.length;
  if (!missingKey && isDeepStrictEqual(describeTenantSettings(tenant), desired)) {
    tally.unchanged += 1;
    return;
  }
  // A tenant without a key cannot sign tokens; existing keys are never replaced here.
  const keys = missingKey ? { signingKeys: [await generateSigningKey()] } : {};
  // Settings the file leaves out are removed, as the file says how the tenant is.
  const unset = {
    ...(entry.sso === undefined && { sso: 1 }),
    ...(entry.branding === undefined && { branding: 1 }),
  };
  await TenantModel.updateOne(
    { _id: entry.id },
    {
      $set: { ...fields, ...(entry.sso !== undefined && { sso: entry.sso }), ...keys },
      ...(Object.keys(unset).length && { $unset: unset }),
    },
  );
  tally.updated += 1;
}
