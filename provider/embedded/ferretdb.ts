import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config.ts';
import { log } from '../logger.ts';
import {
  freePort,
  startProcess,
  stopProcess,
  waitForPort,
  type EmbeddedProcess,
} from './processes.ts';

/** A running embedded FerretDB: its address and the directory of its SQLite files. */
export interface EmbeddedDatabase extends EmbeddedProcess {
  uri: string;
  dir: string;
}

export const ferretdbBinary = fileURLToPath(new URL('../../.local/bin/ferretdb', import.meta.url));

/**
 * The embedded database: FerretDB 1.24 on SQLite files under `dataDir`, on a free loopback port,
 * with telemetry and the debug listener off. Used when MONGODB_URI is unset.
 */
export async function startFerretDB(
  dataDir: string,
  port?: number,
): Promise<EmbeddedDatabase & { port: number }> {
  if (!existsSync(ferretdbBinary)) {
    throw new ConfigError(
      'MONGODB_URI',
      'is unset and the embedded FerretDB is not installed (run scripts/setup-ferretdb.sh)',
    );
  }
  const dir = path.resolve(dataDir, 'ferretdb');
  // FerretDB's own process output goes to the debug log; its start-up failure shows as the exit.
  mkdirSync(dir, { recursive: true });
  port ??= await freePort();
  const child = startProcess(
    ferretdbBinary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=warn',
    ],
    (line) => log.debug({ service: 'ferretdb' }, line),
  );
  await waitForPort(port, 15000, child);
  log.info({ port, dir }, 'Started the embedded FerretDB');
  return {
    uri: `mongodb://127.0.0.1:${port}/idp`,
    port,
    dir,
    stop: () => stopProcess(child),
  };
}

/**
 * The embedded database, shared between a server and the commands run beside it. The server
 * (`own`) starts FerretDB and notes its port in `ferretdb/port` until it stops. A command
 * (`reuse`) connects to that server's FerretDB when one is noted and listening, and otherwise
 * starts a private one that it notes nowhere, so a server never comes to depend on a command's.
 */
export async function useEmbeddedFerretDB(
  dataDir: string,
  role: 'own' | 'reuse',
): Promise<EmbeddedDatabase> {
  const dir = path.resolve(dataDir, 'ferretdb');
  const portFile = path.join(dir, 'port');
  if (role === 'reuse' && existsSync(portFile)) {
    const noted = Number(readFileSync(portFile, 'utf8'));
    const running = await waitForPort(noted, 200).then(
      () => true,
      () => false,
    );
    if (running) return { uri: `mongodb://127.0.0.1:${noted}/idp`, dir, stop: async () => {} };
  }

  const started = await startFerretDB(dataDir);
  if (role === 'reuse') return started;
  writeFileSync(portFile, String(started.port));
  return {
    uri: started.uri,
    dir,
    async stop() {
      rmSync(portFile, { force: true });
      await started.stop();
    },
  };
}
