import { grantExemption, removeExemption } from '../admin/services/exemptions.ts';
import { createGroup, listGroups, removeGroup } from '../admin/services/groups.ts';
import { changeProfileGroup, createProfile, listProfiles } from '../admin/services/profiles.ts';
import {
  changeUserGroup,
  resetPassword,
  setProfile,
  setUserDisabled,
} from '../admin/services/user-changes.ts';
import { createUser, listUsers, showUser, updateUser } from '../admin/services/users.ts';
import {
  flag,
  splitList,
  readOption,
  readStdin,
  text,
  type AdminCommand,
  type CommandInput,
} from './admin-command.ts';

const TU = ['TENANT', 'USER'];

/** `--email ''` or `--name ''` removes the value, as `null` does in the API. */
const clearWhenEmpty = (value: string | undefined) => (value === '' ? null : value);

function readUserFields(input: CommandInput) {
  const fields = {
    email: clearWhenEmpty(readOption(input, 'email')),
    name: clearWhenEmpty(readOption(input, 'name')),
    type: readOption(input, 'type'),
    profile: readOption(input, 'profile'),
    groups: splitList(input.options.groups),
    roles: splitList(input.options.roles),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const readPassword = async (input: CommandInput) =>
  input.options['password-stdin'] ? { password: await readStdin() } : {};

/** Users, groups and profiles, as `idp GROUP VERB ...`. */
export const accountCommands: Record<string, Record<string, AdminCommand>> = {
  user: {
    list: { positionals: ['TENANT'], run: ({ args }) => listUsers(args[0]!) },
    show: { positionals: TU, run: ({ args }) => showUser(args[0]!, args[1]!) },
    create: {
      positionals: TU,
      options: {
        email: text,
        name: text,
        type: text,
        profile: text,
        groups: text,
        roles: text,
        'password-stdin': flag,
      },
      usage:
        '[--email E] [--name N] [--type standard|partner] [--profile P] [--groups a,b] [--roles r] [--password-stdin]',
      run: async (input) =>
        createUser(input.admin, input.args[0]!, {
          username: input.args[1],
          ...readUserFields(input),
          ...(await readPassword(input)),
        }),
    },
    update: {
      positionals: TU,
      options: { email: text, name: text, type: text, roles: text },
      usage: "[--email E|''] [--name N|''] [--type standard|partner] [--roles r,s]",
      run: (input) =>
        updateUser(input.admin, input.args[0]!, input.args[1]!, readUserFields(input)),
    },
    disable: {
      positionals: TU,
      run: ({ admin, args }) => setUserDisabled(admin, args[0]!, args[1]!, true),
    },
    enable: {
      positionals: TU,
      run: ({ admin, args }) => setUserDisabled(admin, args[0]!, args[1]!, false),
    },
    'reset-password': {
      positionals: TU,
      options: { 'password-stdin': flag },
      usage: '[--password-stdin] (without it a password is generated and printed once)',
      run: async (input) =>
        resetPassword(input.admin, input.args[0]!, input.args[1]!, await readPassword(input)),
    },
    'set-profile': {
      positionals: [...TU, 'PROFILE|-'],
      run: ({ admin, args }) =>
        setProfile(admin, args[0]!, args[1]!, { profile: args[2] === '-' ? null : args[2] }),
    },
    'add-group': {
      positionals: [...TU, 'GROUP'],
      run: ({ admin, args }) => changeUserGroup(admin, args[0]!, args[1]!, args[2]!, 'add'),
    },
    'remove-group': {
      positionals: [...TU, 'GROUP'],
      run: ({ admin, args }) => changeUserGroup(admin, args[0]!, args[1]!, args[2]!, 'remove'),
    },
    exempt: {
      positionals: TU,
      options: { until: text, reason: text },
      usage: '--until 2027-02-01T00:00[Z|+01:00] --reason TEXT',
      run: (input) =>
        grantExemption(input.admin, input.args[0]!, input.args[1]!, {
          until: readOption(input, 'until'),
          reason: readOption(input, 'reason'),
        }),
    },
    unexempt: {
      positionals: TU,
      run: ({ admin, args }) => removeExemption(admin, args[0]!, args[1]!),
    },
  },
  group: {
    list: { positionals: ['TENANT'], run: ({ args }) => listGroups(args[0]!) },
    create: {
      positionals: ['TENANT', 'CODE'],
      options: { name: text },
      usage: '--name NAME',
      run: (input) =>
        createGroup(input.admin, input.args[0]!, {
          code: input.args[1],
          name: readOption(input, 'name'),
        }),
    },
    remove: {
      positionals: ['TENANT', 'CODE'],
      run: ({ admin, args }) => removeGroup(admin, args[0]!, args[1]!),
    },
  },
  profile: {
    list: { positionals: ['TENANT'], run: ({ args }) => listProfiles(args[0]!) },
    create: {
      positionals: ['TENANT', 'CODE'],
      options: { name: text, groups: text },
      usage: '--name NAME [--groups a,b]',
      run: (input) =>
        createProfile(input.admin, input.args[0]!, {
          code: input.args[1],
          name: readOption(input, 'name'),
          ...(splitList(input.options.groups) && { groups: splitList(input.options.groups) }),
        }),
    },
    'add-group': {
      positionals: ['TENANT', 'PROFILE', 'GROUP'],
      run: ({ admin, args }) => changeProfileGroup(admin, args[0]!, args[1]!, args[2]!, 'add'),
    },
    'remove-group': {
      positionals: ['TENANT', 'PROFILE', 'GROUP'],
      run: ({ admin, args }) => changeProfileGroup(admin, args[0]!, args[1]!, args[2]!, 'remove'),
    },
  },
};
