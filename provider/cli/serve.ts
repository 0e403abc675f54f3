import type { Config } from '../config.ts';
import { log } from '../logger.ts';
import { startProvider, type Running } from '../start.ts';

/**
 * `idp serve`: runs until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish,
 * closes the database and stops the embedded servers. A signal that arrives while starting is
 * acted on as soon as the start has finished, so nothing it started is left running.
 */
export async function serve(config: Config): Promise<void> {
  let running: Running | undefined = undefined;
  let signalled: string | undefined;

  const shutdown = () => {
    log.info({ signal: signalled }, 'Shutting down');
    running!.stop().then(
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
  const onSignal = (signal: string) => {
    if (signalled) return;
    signalled = signal;
    if (running) shutdown();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  running = await startProvider(config);
  if (signalled) return shutdown();
  log.info({ url: config.publicUrl }, 'The provider is listening');
  console.log(`Provider: ${config.publicUrl}/realms/{tenant}`);
  if (running.inboxUrl) console.log(`Mail inbox (embedded MailDev): ${running.inboxUrl}`);
}
