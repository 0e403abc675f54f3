import mongoose from 'mongoose';
import { serverFacts } from './connection.ts';
import { POINTERS_COLLECTION } from './oidc-adapter.ts';
import { expiringCollections } from './sweeper.ts';
import { ensureAuditIndexes } from './audit-events.ts';
import { ClientModel } from './clients.ts';
import { TenantModel } from './tenants.ts';
import { UserModel } from './users.ts';

/** Collections read only by `_id`, created up front so every collection exists after start. */
const idOnlyCollections = ['secrets', 'user_keys'];

/**
 * Creates every collection and the indexes every lookup needs. Expiring collections get a plain `expiresAt` index for
 * the sweeper, and a TTL index instead where the server has them (real MongoDB).
 */
export async function ensureIndexes(): Promise<void> {
  await Promise.all([
    TenantModel.createIndexes(),
    UserModel.createIndexes(),
    ClientModel.createIndexes(),
    ensureAuditIndexes(),
  ]);

  const database = mongoose.connection.db!;
  const existing = new Set(
    (await database.listCollections({}, { nameOnly: true }).toArray()).map((row) => row.name),
  );
  for (const name of idOnlyCollections) {
    if (!existing.has(name)) await database.createCollection(name);
  }

  const ttl = serverFacts().ttlIndexes;
  for (const name of expiringCollections) {
    const rows = mongoose.connection.collection(name);
    await rows.createIndex({ expiresAt: 1 }, ttl ? { expireAfterSeconds: 0 } : {});
    if (name.startsWith('oidc_') && name !== POINTERS_COLLECTION)
      await rows.createIndex({ tenant: 1, grantId: 1 });
  }
}
