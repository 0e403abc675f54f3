import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../../provider/embedded/processes.ts';

const cli = fileURLToPath(new URL('../../bin/idp.js', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const example = fileURLToPath(new URL('../../examples/demo-realm.json', import.meta.url));

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `idp serve` on the embedded defaults in `dataDir`, on free loopback ports. */
async function servingEnv(dataDir: string) {
  const [port, inbox] = await Promise.all([freePort(), freePort()]);
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    INBOX_PORT: String(inbox),
    MONGODB_URI: '',
    SMTP_URL: '',
    LOG_LEVEL: 'warn',
  };
  return { port, inbox, env };
}

describe('the embedded defaults', function () {
  let dataDir: string;

  before(async function () {
    dataDir = await mkdtemp(path.join(tmpdir(), 'idp-embedded-'));
  });
  after(async function () {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports, serves with FerretDB and MailDev on loopback, and stops both on SIGTERM', async function () {
    let ferretdbPort: number | undefined;
    this.timeout(90000);
    const { port, inbox, env } = await servingEnv(dataDir);

    const imported = await run(['import', example], env);
    expect(imported.code, imported.out).to.equal(0);
    expect(await readdir(path.join(dataDir, 'ferretdb'))).to.have.length.greaterThan(0);

    const server = spawn(process.execPath, [cli, 'serve'], { env: { ...process.env, ...env } });
    let out = '';
    server.stdout.on('data', (chunk: Buffer) => (out += chunk));
    server.stderr.on('data', (chunk: Buffer) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    try {
      await waitForPort(port, 30000, server);
      const discovery = await fetch(
        `http://127.0.0.1:${port}/realms/demo/.well-known/openid-configuration`,
      );
      expect(discovery.status).to.equal(200);
      expect(((await discovery.json()) as { issuer: string }).issuer).to.equal(
        `http://127.0.0.1:${port}/realms/demo`,
      );
      expect(out).to.contain(`Mail inbox (embedded MailDev): http://127.0.0.1:${inbox}`);
      const page = await fetch(`http://127.0.0.1:${inbox}/`, { headers: { accept: 'text/html' } });
      expect(page.status).to.equal(200);

      // A command beside the running server shares its database instead of starting another.
      const explained = await run(['explain', 'demo', 'jan'], env);
      expect(explained.code, explained.out).to.equal(0);
      expect(JSON.parse(explained.out)).to.include({ required: true, reason: 'group-via-profile' });
      const noted = await readFile(path.join(dataDir, 'ferretdb', 'port'), 'utf8');
      expect(Number(noted)).to.be.greaterThan(0);
      ferretdbPort = Number(noted);
      const still = await fetch(
        `http://127.0.0.1:${port}/realms/demo/.well-known/openid-configuration`,
      );
      expect(still.status).to.equal(200);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
    expect(await listening(inbox), 'MailDev').to.equal(false);
    expect(await listening(ferretdbPort!), 'FerretDB').to.equal(false);
  });

  it('stops everything it started when SIGTERM comes while it is still starting', async function () {
    this.timeout(90000);
    const { port, inbox, env } = await servingEnv(dataDir);
    const portFile = path.join(dataDir, 'ferretdb', 'port');
    const server = spawn(process.execPath, [cli, 'serve'], { env: { ...process.env, ...env } });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    // The database is up as soon as its port is noted; the provider is not listening yet.
    let ferretdbPort = 0;
    for (let tries = 0; tries < 1500 && !ferretdbPort; tries++) {
      ferretdbPort = Number(await readFile(portFile, 'utf8').catch(() => '0'));
      if (!ferretdbPort) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.kill('SIGTERM');
    expect(ferretdbPort).to.be.greaterThan(0);
    expect(await exited).to.equal(0);
    expect(await listening(ferretdbPort), 'FerretDB').to.equal(false);
    expect(await listening(inbox), 'MailDev').to.equal(false);
    expect(await listening(port), 'provider').to.equal(false);
  });

  it('stops the demo and everything it started when npm itself gets SIGTERM', async function () {
    this.timeout(120000);
    const { port, inbox, env } = await servingEnv(dataDir);
    // npm runs scripts through `sh -c`, which passes no signal on: the scripts exec the server.
    const demo = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
    });
    let out = '';
    demo.stdout.on('data', (chunk: Buffer) => (out += chunk));
    demo.stderr.on('data', (chunk: Buffer) => (out += chunk));
    const exited = new Promise<void>((resolve) => demo.on('exit', () => resolve()));
    await waitForPort(port, 60000, demo).catch((error: Error) => {
      throw new Error(`${error.message}\n${out}`);
    });
    const ferretdbPort = Number(await readFile(path.join(dataDir, 'ferretdb', 'port'), 'utf8'));
    demo.kill('SIGTERM');
    await exited;
    expect(await listening(port), 'provider').to.equal(false);
    expect(await listening(inbox), 'MailDev').to.equal(false);
    expect(await listening(ferretdbPort), 'FerretDB').to.equal(false);
  });

  it('imports the example again without changing anything', async function () {
    this.timeout(60000);
    const result = await run(['import', example], {
      DATA_DIR: dataDir,
      MONGODB_URI: '',
      LOG_LEVEL: 'warn',
    });
    expect(result.code, result.out).to.equal(0);
    const summary = JSON.parse(result.out) as Record<string, { created: number; updated: number }>;
    for (const kind of ['tenants', 'users', 'clients']) {
      expect(summary[kind]!.created + summary[kind]!.updated, kind).to.equal(0);
    }
  });

  it('gives every collection of the embedded database an index its _id lookups use, from the first start', async function () {
    this.timeout(60000);
    // A first start on empty files that writes nothing: every collection must already exist.
    const fresh = await mkdtemp(path.join(tmpdir(), 'idp-embedded-'));
    after(() => rm(fresh, { recursive: true, force: true }));
    const result = await run(['export', 'nobody'], {
      DATA_DIR: fresh,
      MONGODB_URI: '',
      LOG_LEVEL: 'warn',
    });
    expect(result.out).to.contain('unknown tenant "nobody"');
    const { DatabaseSync } = await import('node:sqlite');
    const database = new DatabaseSync(path.join(fresh, 'ferretdb', 'idp.sqlite'), {
      readOnly: true,
    });
    try {
      const tables = database
        .prepare('SELECT name, table_name AS tableName FROM _ferretdb_collections')
        .all() as Array<{ name: string; tableName: string }>;
      expect(tables.map((table) => table.name)).to.include.members([
        'tenants',
        'users',
        'user_keys',
        'clients',
        'secrets',
        'claims',
        'oidc_pointers',
        'oidc_session',
        'oidc_interaction',
      ]);
      for (const { name, tableName } of tables) {
        const plan = database
          .prepare(
            `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${tableName}" ` +
              `WHERE _ferretdb_sjson->'$._id' = ?`,
          )
          .all('"x"') as Array<{ detail: string }>;
        expect(plan.map((step) => step.detail).join(' '), name).to.contain(
          `USING INDEX ${tableName}_id_lookup`,
        );
      }
    } finally {
      database.close();
    }
  });

  it('refuses an invalid file with the JSON path and imports nothing', async function () {
    this.timeout(60000);
    const bad = path.join(dataDir, 'bad.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      bad,
      JSON.stringify({
        tenants: [{ id: 'bad', name: 'Bad', users: [{ username: 'x', profile: 'suplier' }] }],
      }),
    );
    const result = await run(['import', bad], {
      DATA_DIR: dataDir,
      MONGODB_URI: '',
      LOG_LEVEL: 'warn',
    });
    expect(result.code).to.equal(1);
    expect(result.out).to.contain('tenants[0].users[0].profile: unknown profile "suplier"');
    expect(result.out).to.contain('Nothing was imported.');
    const exported = await run(['export', 'bad'], {
      DATA_DIR: dataDir,
      MONGODB_URI: '',
      LOG_LEVEL: 'warn',
    });
    expect(exported.out).to.contain('unknown tenant "bad"');
  });
});
