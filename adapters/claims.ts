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

export function isDuplicateKey(error: unknown): boolean {
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

/** Up to this many slots, probing from the first is cheaper than keeping a hint. */
const UNHINTED_LIMIT = 16;

/**
 * Claims the next of `limit` numbered slots under `prefix` and returns its number (1-based), or
 * undefined when all are taken. Parallel callers each get a different slot. Small limits probe
 * from slot 1 (the first claim costs one insert). Larger ones start after a hint of how many are
 * taken; the hint may lag (its writes are not atomic) but never runs ahead, so it only saves
 * probes. Every read is by `_id` alone (see oidc-adapter.ts).
 */
export async function claimSlot(
  prefix: string,
  limit: number,
  expiresAt: Date,
): Promise<number | undefined> {
  const hinted = !probedFromFirst(limit);
  for (let slot = (hinted ? await slotHint(prefix) : 0) + 1; slot <= limit; slot++) {
    if (await claimOnce(slotId(prefix, slot), expiresAt)) {
      if (hinted) await raiseHint(prefix, slot, expiresAt);
      return slot;
    }
  }
  return undefined;
}

/** Whether a limit is small enough for claimSlot to probe it from slot 1 (no hint). */
export function probedFromFirst(limit: number): boolean {
  return limit <= UNHINTED_LIMIT;
}

/**
 * Gives slot `slot` under `prefix` back. Only for limits probed from the first slot, where the
 * next claim finds the gap; behind a hint a gap would never be taken again.
 */
export async function releaseSlot(prefix: string, slot: number): Promise<void> {
  await markers().deleteOne({ _id: slotId(prefix, slot) });
}

/** Whether slot number `slot` under `prefix` is taken: exact, unlike the hint. */
export async function isSlotTaken(prefix: string, slot: number): Promise<boolean> {
  return Boolean(await markers().findOne({ _id: slotId(prefix, slot) }));
}

/** How many slots are taken, at least (the hint). */
export async function slotHint(prefix: string): Promise<number> {
  const hint = await markers().findOne({ _id: hintId(prefix) });
  return (hint as (Marker & { taken?: number }) | null)?.taken ?? 0;
}

async function raiseHint(prefix: string, slot: number, expiresAt: Date): Promise<void> {
  const update = { $max: { taken: slot }, $set: { expiresAt } };
  try {
    await markers().updateOne({ _id: hintId(prefix) }, update, { upsert: true });
  } catch (error) {
    // Two first claims raced to create the hint; the other one made it, so update that.
    if (!isDuplicateKey(error)) throw error;
    await markers().updateOne({ _id: hintId(prefix) }, update);
  }
}

const slotId = (prefix: string, slot: number) => `${prefix}#${String(slot).padStart(4, '0')}`;
const hintId = (prefix: string) => `${prefix}#taken`;
