import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDB } from '../../provider/embedded/ferretdb.ts';
import { indexIdLookups } from '../../provider/embedded/ferretdb-id-index.ts';

export interface TestDatabase {
  uri: string;
  port?: number;
  /** The embedded FerretDB's SQLite files, when the run has its own. */
  dir?: string;
  stop(): Promise<void>;
  /** After the provider created the collections: what the embedded launcher adds for `_id`. */
  indexIdLookups(): Promise<void>;
  /** Fault tests: stop the server, then start it again on the same port and files. */
  halt?(): Promise<void>;
  resume?(): Promise<void>;
}

/**
 * A database for the test run: a private FerretDB on SQLite in a fresh directory (the product's
 * own embedded launcher), or, when MONGODB_URI is set, a uniquely named database on that server
 * so runs never share state.
 */
export async function startTestDatabase(
  options: { ownFerretDB?: boolean } = {},
): Promise<TestDatabase> {
  const external = process.env.MONGODB_URI;
  if (external && !options.ownFerretDB) {
    const url = new URL(external);
    url.pathname = `/test-${randomUUID()}`;
    return { uri: url.toString(), stop: async () => {}, indexIdLookups: async () => {} };
  }

  const dir = await mkdtemp(join(tmpdir(), 'idp-test-db-'));
  let server = await startFerretDB(dir);
  const port = server.port;
  return {
    uri: server.uri,
    port,
    dir: server.dir,
    async indexIdLookups() {
      await indexIdLookups(server.dir);
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
    async halt() {
      await server.stop();
    },
    async resume() {
      server = await startFerretDB(dir, port);
    },
  };
}
