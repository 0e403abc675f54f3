import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../logger.ts';
import {
  freePort,
  startProcess,
  stopProcess,
  waitForPort,
  type EmbeddedProcess,
} from './processes.ts';

/**
 * The embedded mail catcher for trying the product: MailDev's SMTP and web inbox, both bound to
 * loopback only (MailDev's web side would otherwise listen on every interface). The messages,
 * codes included, are kept under the data folder, readable by this user only, not in /tmp.
 */
export async function startMailDev(
  webPort: number,
  dataDir: string,
): Promise<EmbeddedProcess & { smtpUrl: string; inboxUrl: string }> {
  const mailDir = path.resolve(dataDir, 'maildev');
  mkdirSync(mailDir, { recursive: true, mode: 0o700 });
  const script = fileURLToPath(
    new URL('../../node_modules/maildev/dist/bin/maildev.js', import.meta.url),
  );
  const smtpPort = await freePort();
  const child = startProcess(
    process.execPath,
    [
      script,
      '--smtp',
      String(smtpPort),
      '--web',
      String(webPort),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--mail-directory',
      mailDir,
    ],
    (line) => log.debug({ service: 'maildev' }, line),
  );
  await waitForPort(smtpPort, 15000, child);
  await waitForPort(webPort, 15000, child);
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    inboxUrl: `http://127.0.0.1:${webPort}`,
    stop: () => stopProcess(child),
  };
}
