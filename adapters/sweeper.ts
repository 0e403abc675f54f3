import mongoose from 'mongoose';
import { log } from '../provider/logger.ts';
import { countDatabaseError } from '../provider/observability/metrics.ts';
import { CLAIMS_COLLECTION } from './claims.ts';
import { collectionFor, expiringModels, POINTERS_COLLECTION } from './oidc-adapter.ts';

/**
 * Deletes expired documents. Reads already ignore them; this only keeps collections small on
 * servers without TTL indexes (FerretDB 1.x). Every process may run it: deletes are idempotent.
 */
export const expiringCollections = [
  ...expiringModels.map(collectionFor),
  'login_attempts',
  'federated_attempts',
  POINTERS_COLLECTION,
  CLAIMS_COLLECTION,
];

export async function sweepExpired(now = new Date()): Promise<number> {
  let removed = 0;
  for (const name of expiringCollections) {
    const result = await mongoose.connection
      .collection(name)
      .deleteMany({ expiresAt: { $lt: now } });
    removed += result.deletedCount;
  }
  return removed;
}

export function startSweeper(intervalMs: number): () => void {
  const timer = setInterval(() => {
    sweepExpired().then(
      (removed) => removed && log.debug({ removed }, 'Swept expired documents'),
      (error: unknown) => {
        countDatabaseError(error);
        log.warn({ err: error }, 'Sweeping expired documents failed');
      },
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
