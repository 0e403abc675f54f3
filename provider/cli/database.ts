import type { Config } from '../config.ts';
import { openDatabase } from '../start.ts';

/** Runs an administrative task against the configured (or embedded) database, then closes it. */
export async function withDatabase<T>(config: Config, task: () => Promise<T>): Promise<T> {
  const database = await openDatabase(config, 'reuse');
  try {
    return await task();
  } finally {
    await database.stop();
  }
}
