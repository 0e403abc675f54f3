import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { configureLogger } from '../logger.ts';
import { adminUsage, runAdminCommand } from './admin.ts';
import { serve } from './serve.ts';
import { withDatabase } from './database.ts';
import { importTenantFile } from '../tenant-file/import.ts';
import { validateTenantFile } from '../tenant-file/validate.ts';
import { exportTenant } from '../tenant-file/export.ts';

const usage = `Usage: idp <command>

  serve                   start the provider (configuration from the environment)
  import FILE             create or update tenants from a JSON file (validated first)
  export TENANT           print a tenant as JSON, in the import format

Administration (shell access on the server is operator access; results print as JSON):
${adminUsage()}`;

/** A failure the person at the terminal can act on: one line, exit code 1 (2 for usage). */
class CommandError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

async function importCommand(config: Config, file: string | undefined) {
  if (!file) throw new CommandError(usage, 2);
  let input: unknown;
  try {
    input = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CommandError(`${file}: ${(error as Error).message}`);
  }
  const checked = validateTenantFile(input);
  if (!checked.ok) throw new CommandError(`${checked.errors.join('\n')}\nNothing was imported.`);

  const summary = await withDatabase(config, () => importTenantFile(checked.file));
  console.log(JSON.stringify(summary, null, 2));
}

async function exportCommand(config: Config, tenantId: string | undefined) {
  if (!tenantId) throw new CommandError(usage, 2);
  const file = await withDatabase(config, () => exportTenant(tenantId));
  if (!file) throw new CommandError(`unknown tenant "${tenantId}"`);
  console.log(JSON.stringify(file, null, 2));
}

async function run(argv: string[]) {
  const [command, ...args] = argv;
  const config = loadConfig();
  configureLogger(command === 'serve' ? config.logLevel : 'warn');
  // Administration subcommands, `explain` included (it takes --client there).
  if (await runAdminCommand(config, argv)) return;

  switch (command) {
    case 'serve':
      return serve(config);
    case 'import':
      return importCommand(config, args[0]);
    case 'export':
      return exportCommand(config, args[0]);
    default:
      throw new CommandError(usage, command && !['help', '--help', '-h'].includes(command) ? 2 : 0);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof CommandError) {
    (error.exitCode === 0 ? console.log : console.error)(error.message);
    process.exit(error.exitCode);
  }
  console.error(`idp: ${(error as Error).message}`);
  process.exit(1);
});
