import mongoose from 'mongoose';
import { serverFacts } from './connection.ts';
import { POINTERS_COLLECTION } from './oidc-adapter.ts';
import { expiringCollections } from './sweeper.ts';
import { ensureAuditIndexes } from './audit-events.ts';
import { ClientModel } from './clients.ts';
import { TenantModel } from './tenants.ts';
import { UserModel } from './users.ts';

/**
 * Every collection is created at start, also those that only ever get `_id` lookups: the embedded
 * FerretDB's `_id` lookup index (provider/embedded/ferretdb-id-index.ts) is added to the
 * collections that exist then.
 */
const collections = ['tenants', 'users', 'clients', 'audit_events', 'secrets', 'user_keys'];

/**
 * Creates every collection, then the indexes lookups use: unique ones everywhere, the others only
 * where the server answers queries from them. Expiring collections get a TTL index on MongoDB;
 * elsewhere the sweeper (sweeper.ts) removes expired documents.
 */
export async function ensureIndexes(): Promise<void> {
  const database = mongoose.connection.db!;
  const existing = new Set(
    (await database.listCollections({}, { nameOnly: true }).toArray()).map((row) => row.name),
  );
  for (const name of [...collections, ...expiringCollections]) {
    if (existing.has(name)) continue;
    // Another process starting at the same moment may have just created it.
    await database.createCollection(name).catch((error: { code?: number }) => {
      if (error.code !== 48) throw error;
    });
  }

  const { ttlIndexes: ttl, secondaryIndexes } = serverFacts();
  for (const { schema, collection } of [TenantModel, UserModel, ClientModel]) {
    for (const [fields, options] of schema.indexes()) {
      if (!options.unique && !secondaryIndexes) continue;
      await collection.createIndex(
        fields as mongoose.mongo.IndexSpecification,
        options as mongoose.mongo.CreateIndexesOptions,
      );
    }
  }
  if (!secondaryIndexes) return;

  await ensureAuditIndexes();
  for (const name of expiringCollections) {
    const rows = mongoose.connection.collection(name);
    await rows.createIndex({ expiresAt: 1 }, ttl ? { expireAfterSeconds: 0 } : {});
    if (name.startsWith('oidc_') && name !== POINTERS_COLLECTION)
      await rows.createIndex({ tenant: 1, grantId: 1 });
  }
}
