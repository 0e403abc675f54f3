import type { Config } from '../config.ts';
import { log } from '../logger.ts';
import { startProvider } from '../start.ts';

/** `idp serve`: runs until SIGTERM or SIGINT, then stops accepting, finishes, and cleans up. */
export async function serve(config: Config): Promise<void> {
  const running = await startProvider(config);
  log.info({ url: config.publicUrl }, 'The provider is listening');
  console.log(`Provider: ${config.publicUrl}/realms/{tenant}`);
  if (running.inboxUrl) console.log(`Mail inbox (embedded MailDev): ${running.inboxUrl}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    running.stop().then(
      () => {
        log.info('Stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
