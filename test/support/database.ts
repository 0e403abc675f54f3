import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';

export interface TestDatabase {
  uri: string;
  stop(): Promise<void>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A database for one test file: a private FerretDB on SQLite in a fresh directory, or, when
 * MONGODB_URI is set, a uniquely named database on that server so runs never share state.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.MONGODB_URI;
  if (external) {
    const uri = withDatabaseName(external, `test-${randomUUID()}`);
    return { uri, stop: () => dropDatabase(uri) };
  }

  const dir = await mkdtemp(join(tmpdir(), 'idp-test-db-'));
  const port = await findFreePort();
  const child = spawn(
    join(root, '.local/bin/ferretdb'),
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // FerretDB logs routine client disconnects as warnings; keep its output for start-up failures.
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, () => child.exitCode !== null || child.signalCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
  return { uri: `mongodb://127.0.0.1:${port}/test`, stop };
}

/**
 * Points a connection string at another database. Parsed by hand because multi-host URIs are not
 * valid WHATWG URLs. The path also names the default auth database, so that is kept explicit.
 */
function withDatabaseName(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/([^/?]+))(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
  const [, base, authority, path, query] = match;
  const params = new URLSearchParams(query ?? '');
  if (authority!.includes('@') && !params.has('authSource')) {
    params.set('authSource', path ? decodeURIComponent(path) : 'admin');
  }
  const search = params.toString();
  return `${base}/${name}${search ? `?${search}` : ''}`;
}

async function dropDatabase(uri: string): Promise<void> {
  const connection = await mongoose.createConnection(uri).asPromise();
  await connection.dropDatabase();
  await connection.close();
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('No port was assigned');
  return address.port;
}

async function waitForPort(
  port: number,
  hasExited: () => boolean,
  timeoutMs = 15000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('FerretDB exited before accepting connections');
    if (await canConnect(port)) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`FerretDB did not accept connections on port ${port} within ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
