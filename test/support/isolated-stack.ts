import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { ChildProvider } from './child-provider.ts';
import { startTestDatabase, type TestDatabase } from './database.ts';
import { MailInbox } from './mail.ts';
import { REDIRECT_URI } from './relying-party.ts';
import { CLIENT_SECRET, PASSWORD } from './tenants.ts';

const cli = fileURLToPath(new URL('../../bin/idp.js', import.meta.url));

/**
 * A database, an SMTP receiver and provider processes of their own, for tests that stop and
 * restart parts (faults, several processes) without disturbing the shared test environment.
 */
export class IsolatedStack {
  database!: TestDatabase;
  inbox!: MailInbox;
  smtpPort = 0;
  readonly providers: ChildProvider[] = [];
  #dir = '';

  async start(): Promise<void> {
    this.database = await startTestDatabase({ ownFerretDB: true });
    this.inbox = new MailInbox();
    await this.inbox.start();
    this.smtpPort = this.inbox.port;
    this.#dir = await mkdtemp(path.join(tmpdir(), 'idp-stack-'));
  }

  get env(): Record<string, string> {
    return { MONGODB_URI: this.database.uri, SMTP_URL: `smtp://127.0.0.1:${this.smtpPort}` };
  }

  /** Imports a tenant through the CLI, as an operator would. */
  async importTenant(twoFactor: object, users: object[]): Promise<string> {
    const id = `s-${randomBytes(4).toString('hex')}`;
    const file = path.join(this.#dir, `${id}.json`);
    const tenant = {
      id,
      name: `Tenant ${id}`,
      timeZone: 'Europe/Amsterdam',
      twoFactor,
      groups: [{ code: '2FA', name: 'Two-factor authentication' }],
      users: users.map((user) => ({ password: PASSWORD, ...user })),
      clients: [
        { client_id: 'workplace', client_secret: CLIENT_SECRET, redirect_uris: [REDIRECT_URI] },
      ],
    };
    await writeFile(file, JSON.stringify({ tenants: [tenant] }));
    const result = spawnSync(process.execPath, [cli, 'import', file], {
      env: { ...process.env, ...this.env, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`import failed: ${result.stderr}${result.stdout}`);
    return id;
  }

  async startProvider(options: { publicUrl?: string; env?: Record<string, string> } = {}) {
    const provider = await ChildProvider.start({
      ...options,
      env: { ...this.env, ...options.env },
    });
    this.providers.push(provider);
    return provider;
  }

  /** Stops the SMTP receiver; `restoreInbox` starts a fresh one on the same port. */
  async stopInbox(): Promise<void> {
    await this.inbox.stop();
  }

  async restoreInbox(): Promise<void> {
    this.inbox = new MailInbox();
    await this.inbox.start(this.smtpPort);
  }

  /** A second connection to this stack's database, for looking at what was written. */
  async inspect<T>(read: (db: mongoose.mongo.Db) => Promise<T>): Promise<T> {
    const connection = await mongoose.createConnection(this.database.uri).asPromise();
    try {
      return await read(connection.db!);
    } finally {
      await connection.close();
    }
  }

  async stop(): Promise<void> {
    for (const provider of this.providers) await provider.stop();
    await this.inbox.stop().catch(() => undefined);
    await this.database.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** Polls until the URL answers 200 (a bounded wait for recovery, not a sleep for expiry). */
export async function waitUntilOk(url: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}
