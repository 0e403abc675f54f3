import { groupSchema, profileSchema } from '../../tenant-file/schema.ts';
import { explainAccount } from '../services/explain.ts';
import { exemptionInput, grantExemption, removeExemption } from '../services/exemptions.ts';
import { createGroup, listGroups, removeGroup } from '../services/groups.ts';
import { changeProfileGroup, createProfile, listProfiles } from '../services/profiles.ts';
import {
  changeUserGroup,
  passwordInput,
  profileInput,
  resetPassword,
  setProfile,
  setUserDisabled,
} from '../services/user-changes.ts';
import {
  createUser,
  createUserInput,
  listUsers,
  showUser,
  updateUser,
  updateUserInput,
} from '../services/users.ts';
import type { Endpoint } from './endpoint.ts';

const T = '/tenants/{tenant}';
const U = `${T}/users/{user}`;

/** Users, groups and profiles: what tenant administrators manage in their own tenant. */
export const accountEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: `${T}/users`,
    access: 'tenant',
    operationId: 'listUsers',
    summary: "List the tenant's users",
    handle: ({ params }) => listUsers(params.tenant!),
  },
  {
    method: 'post',
    path: `${T}/users`,
    access: 'tenant',
    operationId: 'createUser',
    summary: 'Create a local user (type and roles: operators only)',
    body: createUserInput,
    status: 201,
    handle: ({ admin, params, body }) => createUser(admin, params.tenant!, body),
  },
  {
    method: 'get',
    path: U,
    access: 'tenant',
    operationId: 'showUser',
    summary: 'Show a user by username',
    handle: ({ params }) => showUser(params.tenant!, params.user!),
  },
  {
    method: 'patch',
    path: U,
    access: 'tenant',
    operationId: 'updateUser',
    summary: 'Change email, name, type or roles (type and roles: operators only)',
    body: updateUserInput,
    handle: ({ admin, params, body }) => updateUser(admin, params.tenant!, params.user!, body),
  },
  {
    method: 'post',
    path: `${U}/disable`,
    access: 'tenant',
    operationId: 'disableUser',
    summary: 'Disable a user; their sessions end at the next authorization request',
    handle: ({ admin, params }) => setUserDisabled(admin, params.tenant!, params.user!, true),
  },
  {
    method: 'post',
    path: `${U}/enable`,
    access: 'tenant',
    operationId: 'enableUser',
    summary: 'Enable a disabled user',
    handle: ({ admin, params }) => setUserDisabled(admin, params.tenant!, params.user!, false),
  },
  {
    method: 'post',
    path: `${U}/password`,
    access: 'tenant',
    operationId: 'resetPassword',
    summary: 'Set a new password, or generate one (returned once)',
    body: passwordInput,
    handle: ({ admin, params, body }) => resetPassword(admin, params.tenant!, params.user!, body),
  },
  {
    method: 'put',
    path: `${U}/profile`,
    access: 'tenant',
    operationId: 'setProfile',
    summary: "Set or clear (null) the user's profile",
    body: profileInput,
    handle: ({ admin, params, body }) => setProfile(admin, params.tenant!, params.user!, body),
  },
  {
    method: 'put',
    path: `${U}/groups/{group}`,
    access: 'tenant',
    operationId: 'addUserGroup',
    summary: 'Give the user a group directly',
    handle: ({ admin, params }) =>
      changeUserGroup(admin, params.tenant!, params.user!, params.group!, 'add'),
  },
  {
    method: 'delete',
    path: `${U}/groups/{group}`,
    access: 'tenant',
    operationId: 'removeUserGroup',
    summary: 'Take a directly held group away',
    handle: ({ admin, params }) =>
      changeUserGroup(admin, params.tenant!, params.user!, params.group!, 'remove'),
  },
  {
    method: 'put',
    path: `${U}/exemption`,
    access: 'operator',
    operationId: 'grantExemption',
    summary: 'Exempt the user from the email code until a date, with a reason',
    body: exemptionInput,
    handle: ({ admin, params, body }) => grantExemption(admin, params.tenant!, params.user!, body),
  },
  {
    method: 'delete',
    path: `${U}/exemption`,
    access: 'operator',
    operationId: 'removeExemption',
    summary: 'End the exemption now',
    handle: ({ admin, params }) => removeExemption(admin, params.tenant!, params.user!),
  },
  {
    method: 'get',
    path: `${U}/explain`,
    access: 'tenant',
    operationId: 'explainUser',
    summary: 'Whether the user needs an email code now, why, and the facts used',
    query: { client: 'the application to decide for (default: none; byClient lists each)' },
    handle: ({ params, query }) => explainAccount(params.tenant!, params.user!, query.client),
  },
  {
    method: 'get',
    path: `${T}/groups`,
    access: 'tenant',
    operationId: 'listGroups',
    summary: "List the tenant's groups",
    handle: ({ params }) => listGroups(params.tenant!),
  },
  {
    method: 'post',
    path: `${T}/groups`,
    access: 'tenant',
    operationId: 'createGroup',
    summary: 'Create a group',
    body: groupSchema,
    status: 201,
    handle: ({ admin, params, body }) => createGroup(admin, params.tenant!, body),
  },
  {
    method: 'delete',
    path: `${T}/groups/{group}`,
    access: 'tenant',
    operationId: 'removeGroup',
    summary: 'Remove a group that nobody holds and the policy does not name',
    handle: ({ admin, params }) => removeGroup(admin, params.tenant!, params.group!),
  },
  {
    method: 'get',
    path: `${T}/profiles`,
    access: 'tenant',
    operationId: 'listProfiles',
    summary: "List the tenant's profiles",
    handle: ({ params }) => listProfiles(params.tenant!),
  },
  {
    method: 'post',
    path: `${T}/profiles`,
    access: 'tenant',
    operationId: 'createProfile',
    summary: 'Create a profile',
    body: profileSchema,
    status: 201,
    handle: ({ admin, params, body }) => createProfile(admin, params.tenant!, body),
  },
  {
    method: 'put',
    path: `${T}/profiles/{profile}/groups/{group}`,
    access: 'tenant',
    operationId: 'addProfileGroup',
    summary: 'Add a group to a profile; every holder of the profile gets it',
    handle: ({ admin, params }) =>
      changeProfileGroup(admin, params.tenant!, params.profile!, params.group!, 'add'),
  },
  {
    method: 'delete',
    path: `${T}/profiles/{profile}/groups/{group}`,
    access: 'tenant',
    operationId: 'removeProfileGroup',
    summary: 'Take a group away from a profile',
    handle: ({ admin, params }) =>
      changeProfileGroup(admin, params.tenant!, params.profile!, params.group!, 'remove'),
  },
];
