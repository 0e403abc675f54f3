import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { AdminContext } from '../admin/actor.ts';
import { AdminError } from '../admin/errors.ts';
import type { Config } from '../config.ts';
import type { AdminCommand } from './admin-command.ts';
import { accountCommands } from './admin-user-commands.ts';
import { questionCommands, tenantCommands } from './admin-tenant-commands.ts';
import { withDatabase } from './database.ts';

const groups = { ...tenantCommands, ...accountCommands };

/** The usage lines of every administration command, for `idp` without arguments. */
export function adminUsage(): string {
  const line = (words: string, command: AdminCommand) =>
    `  ${[words, ...command.positionals, command.usage ?? ''].join(' ').trim()}`;
  return [
    ...Object.entries(groups).flatMap(([group, verbs]) =>
      Object.entries(verbs).map(([verb, command]) => line(`${group} ${verb}`, command)),
    ),
    ...Object.entries(questionCommands).map(([name, command]) => line(name, command)),
  ].join('\n');
}

function findCommand(
  argv: string[],
): { words: string; command: AdminCommand; rest: string[] } | undefined {
  const [first, second, ...rest] = argv;
  if (first && questionCommands[first]) {
    return { words: first, command: questionCommands[first]!, rest: argv.slice(1) };
  }
  const verbs = first ? groups[first] : undefined;
  if (!verbs) return undefined;
  const command = second ? verbs[second] : undefined;
  if (!command) {
    throw new Error(`usage: idp ${first} ${Object.keys(verbs).join('|')} ...`);
  }
  return { words: `${first} ${second}`, command, rest };
}

/** Shell access on the server is operator access; the audit trail names the login. */
function commandLineActor(): AdminContext {
  let login = 'unknown';
  try {
    login = userInfo().username;
  } catch {
    // Some containers run as a user without a passwd entry; the actor stays "cli:unknown".
  }
  return { actor: { role: 'operator', name: `cli:${login}` }, evict: () => undefined };
}

/**
 * Runs an administration subcommand through the same services as the API, printing the result
 * as JSON. Returns false for commands that are not administration's. A failure is one line
 * naming the problem (main.ts prints it and exits 1).
 *
 * Known shortcoming: a command cannot evict another process's cached tenant provider, so SSO
 * and tenant-disable changes reach a running server's token endpoint only after its restart.
 */
export async function runAdminCommand(config: Config, argv: string[]): Promise<boolean> {
  const found = findCommand(argv);
  if (!found) return false;
  const { words, command, rest } = found;
  const usage =
    `usage: idp ${words} ${command.positionals.join(' ')} ${command.usage ?? ''}`.trim();

  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message.split('\n')[0]} (${usage})`, { cause: error });
  }
  if (parsed.positionals.length !== command.positionals.length) throw new Error(usage);

  const input = { admin: commandLineActor(), args: parsed.positionals, options: parsed.values };
  try {
    const result = await withDatabase(config, () => command.run(input));
    console.log(JSON.stringify(result, null, 2));
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    const detail = error.detail && error.code !== 'forbidden' ? ` (${error.detail})` : '';
    throw new Error(`${error.code}: ${error.describe('en')}${detail}`, { cause: error });
  }
  return true;
}
