import { loadConfig } from '../../provider/config.ts';
import { freePort } from '../../provider/embedded/processes.ts';
import { startProvider, type Running } from '../../provider/start.ts';
import { configureLogger } from '../../provider/logger.ts';
import { startTestDatabase, type TestDatabase } from './database.ts';
import { MailInbox } from './mail.ts';

/**
 * The parts every end-to-end test uses, started once per run: a FerretDB (or the MONGODB_URI
 * server), a real SMTP receiver, and the provider itself in this process (so tests can move the
 * product's clock). Tests keep apart by creating their own tenants.
 */
export interface TestEnvironment {
  database: TestDatabase;
  inbox: MailInbox;
  provider: Running;
  baseUrl: string;
  env: Record<string, string>;
}

let current: TestEnvironment | undefined;

export function testEnvironment(): TestEnvironment {
  if (!current) throw new Error('the test environment is not started (test/support/hooks.ts)');
  return current;
}

export async function startTestEnvironment(): Promise<TestEnvironment> {
  configureLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await startTestDatabase();
  const inbox = new MailInbox();
  const smtpUrl = await inbox.start();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    MONGODB_URI: database.uri,
    SMTP_URL: smtpUrl,
    COOKIE_KEYS: 'test-cookie-key-0123456789abcdef0123456789',
    CODE_HASH_SECRET: 'test-code-hash-secret-0123456789abcdef',
  };
  const provider = await startProvider(loadConfig(env));
  await database.indexIdLookups();
  current = { database, inbox, provider, baseUrl, env };
  return current;
}

export async function stopTestEnvironment(): Promise<void> {
  if (!current) return;
  await current.provider.stop();
  await current.inbox.stop();
  await current.database.stop();
  current = undefined;
}
