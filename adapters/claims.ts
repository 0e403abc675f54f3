import mongoose from 'mongoose';

/**
 * Race-proof "first one wins" for state changes that must happen at most once or at most N times.
 *
 * FerretDB 1.x applies updates as read-then-write without a lock: parallel `$inc`s lose counts and
 * a conditional `findOneAndUpdate` can match for several callers at once (measured: 30 parallel
 * `$inc`s left the counter at 4). The one operation every MongoDB-compatible server makes atomic
 * is inserting a document whose `_id` already exists: exactly one insert succeeds. So each try,
 * send or use is claimed by inserting a marker with a deterministic `_id`; the marker expires with
 * what it guards (`expiresAt`, swept like the rest).
 */
interface Marker {
  _id: string;
  expiresAt: Date;
}

export const CLAIMS_COLLECTION = 'claims';

const markers = () => mongoose.connection.collection<Marker>(CLAIMS_COLLECTION);

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/** True for the one caller that claims `key`; false for everyone after. */
export async function claimOnce(key: string, expiresAt: Date): Promise<boolean> {
  try {
    await markers().insertOne({ _id: key, expiresAt });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * Claims the next of `limit` numbered slots under `prefix` and returns its number (1-based), or
 * undefined when all are taken. Parallel callers each get a different slot.
 */
export async function claimSlot(
  prefix: string,
  limit: number,
  expiresAt: Date,
): Promise<number | undefined> {
  const taken = await countSlots(prefix);
  for (let slot = taken + 1; slot <= limit; slot++) {
    if (await claimOnce(`${prefix}#${String(slot).padStart(4, '0')}`, expiresAt)) return slot;
  }
  return undefined;
}

/** How many slots under `prefix` are taken (`#` sorts below digits, `$` above them). */
export async function countSlots(prefix: string): Promise<number> {
  return markers().countDocuments({ _id: { $gt: `${prefix}#`, $lt: `${prefix}$` } });
}
