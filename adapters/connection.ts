import mongoose from 'mongoose';
import { log } from '../provider/logger.ts';

/**
 * Query filters built from request data must never carry operators: `sanitizeFilter` wraps any
 * `$`-keyed object in `$eq`, so a stray `{ $ne: x }` matches nothing. The product's own operator
 * filters are marked with `mongoose.trusted`.
 */
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', false);
mongoose.set('bufferTimeoutMS', 5000);

export interface ServerFacts {
  /**
   * FerretDB 1.x has no TTL indexes; expiry is then only enforced in queries and by the sweeper.
   */
  ttlIndexes: boolean;
  /**
   * Whether the server answers filters other than `{ _id }` from an index. FerretDB 1.x does not:
   * it decodes every document for them, so there a non-unique index only makes writes dearer.
   */
  secondaryIndexes: boolean;
  name: string;
}

let facts: ServerFacts = { ttlIndexes: false, secondaryIndexes: false, name: 'unknown' };

export async function connectDatabase(uri: string): Promise<ServerFacts> {
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: 5000,
    socketTimeoutMS: 20000,
    maxPoolSize: 20,
  });
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  const ferret = typeof info.ferretdbVersion === 'string';
  facts = {
    ttlIndexes: !ferret,
    secondaryIndexes: !ferret,
    name: ferret ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`,
  };
  log.info({ server: facts.name }, 'Connected to the database');
  return facts;
}

export function serverFacts(): ServerFacts {
  return facts;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export function trusted<T>(filter: T): T {
  return mongoose.trusted(filter) as T;
}
