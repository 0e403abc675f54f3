import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { z } from 'zod';
import { lookupKey, UserModel, type User } from '../../../adapters/users.ts';
import { userSchema } from '../../tenant-file/schema.ts';
import type { AdminContext } from '../actor.ts';
import { compareFields, recordChange } from '../audit.ts';
import { alreadyExists, federatedAccount } from '../errors.ts';
import { parseInput } from '../input.ts';
import { describeAdminUser } from './describe.ts';
import { loadTenant, loadUser } from './lookups.ts';
import { checkOperatorFields, checkReferences, checkSignInNames } from './user-checks.ts';

/** Passwords set by an administrator; the import takes any non-empty one for old records. */
export const newPassword = z
  .string()
  .min(10, { error: 'must be at least 10 characters' })
  .max(1024, { error: 'must be at most 1024 characters' });

const roles = z.array(z.string().min(1)).optional();

export const createUserInput = userSchema
  .pick({ username: true, email: true, name: true, type: true, profile: true, groups: true })
  .extend({ password: newPassword.optional(), roles });

export const updateUserInput = z.strictObject({
  email: userSchema.shape.email.unwrap().nullable().optional(),
  name: userSchema.shape.name.unwrap().nullable().optional(),
  type: userSchema.shape.type,
  roles,
});

export async function listUsers(tenantId: string) {
  await loadTenant(tenantId);
  const users = await UserModel.find({ tenant: tenantId }).sort({ usernameKey: 1 }).lean<User[]>();
  return users.map(describeAdminUser);
}

export async function showUser(tenantId: string, username: string) {
  await loadTenant(tenantId);
  return describeAdminUser(await loadUser(tenantId, username));
}

/** A local account, complete in one insert; the unique (tenant, username) index settles races. */
export async function createUser(admin: AdminContext, tenantId: string, input: unknown) {
  const tenant = await loadTenant(tenantId);
  const entry = parseInput(createUserInput, input);
  checkOperatorFields(admin, tenant, entry);
  checkReferences(tenant, entry);
  await checkSignInNames(tenantId, entry);

  const user: Omit<User, 'createdAt' | 'updatedAt'> = {
    _id: randomUUID(),
    tenant: tenantId,
    username: entry.username,
    usernameKey: lookupKey(entry.username),
    ...(entry.email && { email: entry.email, emailKey: lookupKey(entry.email) }),
    ...(entry.name && { name: entry.name }),
    ...(entry.password && { passwordHash: await hash(entry.password) }),
    type: entry.type ?? 'standard',
    origin: 'local',
    ...(entry.profile && { profile: entry.profile }),
    groups: entry.groups ?? [],
    ...(entry.roles?.length && { roles: entry.roles }),
    disabled: false,
  };
  try {
    await UserModel.create(user);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw alreadyExists('user');
    throw error;
  }

  const shown = describeAdminUser(user as User);
  // The account id is in `account`; whether a password was set is in `detail`.
  const fields = { ...shown, id: undefined, hasPassword: undefined };
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.user-created',
    target: `user:${user.username}`,
    account: user._id,
    changes: compareFields({}, fields),
    detail: { passwordSet: Boolean(entry.password) },
  });
  return shown;
}

/** Email, name, type and roles; `null` removes email or name. */
export async function updateUser(
  admin: AdminContext,
  tenantId: string,
  username: string,
  input: unknown,
) {
  const tenant = await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  const entry = parseInput(updateUserInput, input);
  checkOperatorFields(admin, tenant, entry);
  // A federated account's email and name follow its identity provider on every sign-in.
  const touchesProfile = entry.email !== undefined || entry.name !== undefined;
  if (user.origin === 'federated' && touchesProfile) throw federatedAccount();
  if (entry.email) await checkSignInNames(tenantId, { email: entry.email }, user);

  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  if (entry.email === null) Object.assign(unset, { email: 1, emailKey: 1 });
  if (entry.email) Object.assign(set, { email: entry.email, emailKey: lookupKey(entry.email) });
  if (entry.name === null) unset.name = 1;
  if (entry.name) set.name = entry.name;
  if (entry.type) set.type = entry.type;
  if (entry.roles) set.roles = entry.roles;

  const after = { ...user, ...set } as User;
  for (const key of Object.keys(unset)) delete (after as unknown as Record<string, unknown>)[key];
  const changes = compareFields(readUserFields(user), readUserFields(after));
  if (!Object.keys(changes).length) return describeAdminUser(user);

  await UserModel.updateOne(
    { _id: user._id, tenant: tenantId },
    {
      ...(Object.keys(set).length && { $set: set }),
      ...(Object.keys(unset).length && { $unset: unset }),
    },
  );
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.user-updated',
    target: `user:${user.username}`,
    account: user._id,
    changes,
  });
  return describeAdminUser(after);
}

const readUserFields = (user: User) => ({
  email: user.email,
  name: user.name,
  type: user.type,
  roles: user.roles ?? [],
});
