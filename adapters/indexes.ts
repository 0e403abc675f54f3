import mongoose from 'mongoose';
import { serverFacts } from './connection.ts';
import { POINTERS_COLLECTION } from './oidc-adapter.ts';
import { expiringCollections } from './sweeper.ts';
import { ensureAuditIndexes } from './audit-events.ts';
import { ClientModel } from './clients.ts';
import { TenantModel } from './tenants.ts';
import { UserModel } from './users.ts';

/**
 * Creates the indexes every lookup needs. Expiring collections get a plain `expiresAt` index for
 * the sweeper, and a TTL index instead where the server has them (real MongoDB).
 */
export async function ensureIndexes(): Promise<void> {
  await Promise.all([
    TenantModel.createIndexes(),
    UserModel.createIndexes(),
    ClientModel.createIndexes(),
    ensureAuditIndexes(),
  ]);

  const ttl = serverFacts().ttlIndexes;
  for (const name of expiringCollections) {
    const rows = mongoose.connection.collection(name);
    await rows.createIndex({ expiresAt: 1 }, ttl ? { expireAfterSeconds: 0 } : {});
    if (name.startsWith('oidc_') && name !== POINTERS_COLLECTION)
      await rows.createIndex({ tenant: 1, grantId: 1 });
  }
}
