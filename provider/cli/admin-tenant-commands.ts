import { bootstrapAdmin } from '../admin/bootstrap.ts';
import { queryAuditEvents } from '../admin/services/audit-query.ts';
import {
  createClient,
  listTenantClients,
  removeClient,
  updateClient,
} from '../admin/services/clients.ts';
import { explainAccount } from '../admin/services/explain.ts';
import { setPolicy, showPolicy } from '../admin/services/policy.ts';
import { previewPolicy } from '../admin/services/preview.ts';
import { setSso, showSso } from '../admin/services/sso.ts';
import { createTenant, disableTenant, listTenants, showTenant } from '../admin/services/tenants.ts';
import {
  flag,
  splitList,
  readOption,
  readJson,
  text,
  texts,
  type AdminCommand,
  type CommandInput,
} from './admin-command.ts';

const policyOptions = { method: text, group: text, from: text, clients: text };
const policyUsage =
  '--method off|all|group [--group CODE] [--from 2027-01-04T08:00[Z|+01:00]] [--clients a,b]';
const jsonOptions = { json: text, file: text };

/** The policy flags as the API's body: `--from` without a zone is the tenant's wall-clock time. */
function readPolicyFlags(input: CommandInput) {
  return {
    method: readOption(input, 'method'),
    ...(readOption(input, 'group') && { group: readOption(input, 'group') }),
    ...(readOption(input, 'from') && { effectiveFrom: readOption(input, 'from') }),
    ...(splitList(input.options.clients) && { clients: splitList(input.options.clients) }),
  };
}

async function readClientFlags(input: CommandInput) {
  if (readOption(input, 'json') || readOption(input, 'file')) return readJson(input);
  return {
    ...(readOption(input, 'id') && { client_id: readOption(input, 'id') }),
    ...(readOption(input, 'name') && { client_name: readOption(input, 'name') }),
    ...(input.options['redirect-uri'] && { redirect_uris: input.options['redirect-uri'] }),
    ...(input.options['admin-api'] && { admin_api: true }),
  };
}

const clientOptions = {
  ...jsonOptions,
  id: text,
  name: text,
  'redirect-uri': texts,
  'admin-api': flag,
};
const clientUsage =
  '(--json TEXT | --file PATH | --id ID --redirect-uri URL [--name N] [--admin-api])';

/** Tenants, applications, policy, SSO, audit, explain and preview, as `idp GROUP VERB ...`. */
export const tenantCommands: Record<string, Record<string, AdminCommand>> = {
  admin: {
    bootstrap: {
      positionals: [],
      options: { username: text, email: text, 'redirect-uri': texts },
      usage: '--username NAME --email ADDRESS [--redirect-uri URL]...',
      run: (input) => {
        const username = readOption(input, 'username');
        const email = readOption(input, 'email');
        if (!username || !email) throw new Error('give --username and --email');
        const redirectUris = input.options['redirect-uri'] as string[] | undefined;
        return bootstrapAdmin(input.admin, { username, email, redirectUris });
      },
    },
  },
  tenant: {
    list: { positionals: [], run: () => listTenants() },
    show: { positionals: ['TENANT'], run: ({ args }) => showTenant(args[0]!) },
    create: {
      positionals: ['TENANT'],
      options: { name: text, locale: text, 'time-zone': text },
      usage: '--name NAME [--locale en|nl] [--time-zone Europe/Amsterdam]',
      run: (input) =>
        createTenant(input.admin, {
          id: input.args[0],
          name: readOption(input, 'name'),
          ...(readOption(input, 'locale') && { locale: readOption(input, 'locale') }),
          ...(readOption(input, 'time-zone') && { timeZone: readOption(input, 'time-zone') }),
        }),
    },
    disable: { positionals: ['TENANT'], run: ({ admin, args }) => disableTenant(admin, args[0]!) },
  },
  client: {
    list: { positionals: ['TENANT'], run: ({ args }) => listTenantClients(args[0]!) },
    create: {
      positionals: ['TENANT'],
      options: clientOptions,
      usage: clientUsage,
      run: async (input) => createClient(input.admin, input.args[0]!, await readClientFlags(input)),
    },
    update: {
      positionals: ['TENANT', 'CLIENT'],
      options: jsonOptions,
      usage: '(--json TEXT | --file PATH)',
      run: async (input) =>
        updateClient(input.admin, input.args[0]!, input.args[1]!, await readJson(input)),
    },
    remove: {
      positionals: ['TENANT', 'CLIENT'],
      run: ({ admin, args }) => removeClient(admin, args[0]!, args[1]!),
    },
  },
  policy: {
    show: { positionals: ['TENANT'], run: ({ args }) => showPolicy(args[0]!) },
    set: {
      positionals: ['TENANT'],
      options: { ...policyOptions, confirm: flag },
      usage: `${policyUsage} [--confirm]`,
      run: (input) =>
        setPolicy(input.admin, input.args[0]!, {
          ...readPolicyFlags(input),
          ...(input.options.confirm && { confirm: true }),
        }),
    },
  },
  sso: {
    show: { positionals: ['TENANT'], run: ({ args }) => showSso(args[0]!) },
    set: {
      positionals: ['TENANT'],
      options: jsonOptions,
      usage: '(--json TEXT | --file PATH)',
      run: async (input) => setSso(input.admin, input.args[0]!, await readJson(input)),
    },
    remove: { positionals: ['TENANT'], run: ({ admin, args }) => setSso(admin, args[0]!, null) },
  },
};

/** Commands that are one word: `idp audit`, `idp explain`, `idp preview`. */
export const questionCommands: Record<string, AdminCommand> = {
  audit: {
    positionals: ['TENANT'],
    options: { account: text, type: text, from: text, to: text, limit: text },
    usage: '[--account USER] [--type TYPE] [--from TIME] [--to TIME] [--limit N]',
    run: (input) => {
      const { account, type, from, to, limit } = input.options;
      const query = Object.entries({ account, type, from, to, limit }).filter(
        ([, v]) => v !== undefined,
      );
      return queryAuditEvents(input.args[0]!, Object.fromEntries(query));
    },
  },
  explain: {
    positionals: ['TENANT', 'USER'],
    options: { client: text },
    usage: '[--client CLIENT]',
    run: (input) => explainAccount(input.args[0]!, input.args[1]!, readOption(input, 'client')),
  },
  preview: {
    positionals: ['TENANT'],
    options: { ...policyOptions, client: text },
    usage: `${policyUsage} [--client CLIENT]`,
    run: (input) =>
      previewPolicy(input.args[0]!, readPolicyFlags(input), readOption(input, 'client')),
  },
};
