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
 * loopback only (MailDev's web side would otherwise listen on every interface).
 */
export async function startMailDev(
  webPort = 1080,
): Promise<EmbeddedProcess & { smtpUrl: string; inboxUrl: string }> {
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
