import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { z } from 'zod';
import { UserModel, type User } from '../../../adapters/users.ts';
import { userSchema } from '../../tenant-file/schema.ts';
import type { AdminContext } from '../actor.ts';
import { recordChange } from '../audit.ts';
import { federatedAccount } from '../errors.ts';
import { parseInput } from '../input.ts';
import { describeAdminUser } from './describe.ts';
import { loadTenant, loadUser, requireGroup, requireProfile } from './lookups.ts';
import { newPassword } from './users.ts';

/**
 * Changes to one account, each a single write to the user's document. Sessions notice them on
 * their next authorization request: the login prompt re-checks that the account is active and
 * the email-code prompt runs the decision again (provider/oidc/interaction-policy.ts).
 */

export const passwordInput = z.strictObject({ password: newPassword.optional() });
export const profileInput = z.strictObject({
  profile: userSchema.shape.profile.unwrap().nullable(),
});

type Write = {
  $set?: Record<string, unknown>;
  $unset?: Record<string, 1>;
  $addToSet?: object;
  $pull?: object;
};

async function writeUser(user: User, write: Write) {
  await UserModel.updateOne({ _id: user._id, tenant: user.tenant }, write);
  return describeAdminUser((await UserModel.findOne({ _id: user._id }).lean<User>())!);
}

export async function setUserDisabled(
  admin: AdminContext,
  tenantId: string,
  username: string,
  disabled: boolean,
) {
  await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  if (Boolean(user.disabled) === disabled) return describeAdminUser(user);
  const shown = await writeUser(user, { $set: { disabled } });
  await recordChange(admin, {
    tenant: tenantId,
    type: disabled ? 'admin.user-disabled' : 'admin.user-enabled',
    target: `user:${user.username}`,
    account: user._id,
    changes: { disabled: { from: !disabled, to: disabled } },
  });
  return shown;
}

/**
 * Without a password in the input, one is generated and returned once; it is never stored plain.
 */
export async function resetPassword(
  admin: AdminContext,
  tenantId: string,
  username: string,
  input: unknown,
) {
  await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  const entry = parseInput(passwordInput, input);
  if (user.origin === 'federated') throw federatedAccount();

  const password = entry.password ?? randomBytes(15).toString('base64url');
  await writeUser(user, { $set: { passwordHash: await hash(password) } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.password-reset',
    target: `user:${user.username}`,
    account: user._id,
    detail: { generated: !entry.password },
  });
  return { username: user.username, ...(!entry.password && { password }) };
}

/** `profile: null` takes the profile away. */
export async function setProfile(
  admin: AdminContext,
  tenantId: string,
  username: string,
  input: unknown,
) {
  const tenant = await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  const { profile } = parseInput(profileInput, input);
  if (profile) requireProfile(tenant, profile);
  if ((user.profile ?? null) === profile) return describeAdminUser(user);

  const shown = await writeUser(user, profile ? { $set: { profile } } : { $unset: { profile: 1 } });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.user-updated',
    target: `user:${user.username}`,
    account: user._id,
    changes: { profile: { from: user.profile ?? null, to: profile } },
  });
  return shown;
}

/** Adding a group the user holds, or removing one they do not, changes and records nothing. */
export async function changeUserGroup(
  admin: AdminContext,
  tenantId: string,
  username: string,
  group: string,
  change: 'add' | 'remove',
) {
  const tenant = await loadTenant(tenantId);
  const user = await loadUser(tenantId, username);
  requireGroup(tenant, group);
  const holds = (user.groups ?? []).includes(group);
  if (holds === (change === 'add')) return describeAdminUser(user);

  const shown = await writeUser(
    user,
    change === 'add' ? { $addToSet: { groups: group } } : { $pull: { groups: group } },
  );
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.user-updated',
    target: `user:${user.username}`,
    account: user._id,
    changes: { groups: change === 'add' ? { added: [group] } : { removed: [group] } },
  });
  return shown;
}
