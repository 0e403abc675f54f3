import mongoose from 'mongoose';
import { createRequire } from 'node:module';
import { RateLimiterRes, type RateLimiterStoreAbstract as StoreBase } from 'rate-limiter-flexible';
import { nowMs } from '../provider/clock.ts';
import {
  CLAIMS_COLLECTION,
  claimOnce,
  claimSlot,
  isSlotTaken,
  probedFromFirst,
  releaseSlot,
  slotHint,
} from './claims.ts';

/** A point taken before the outcome is known; `release` gives it back. */
export interface Reservation {
  release(): Promise<void>;
}

// The library's base for database stores; its package index does not re-export it.
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js',
) as typeof StoreBase;

interface StoreResult {
  points: number;
  expire: number;
}

/**
 * rate-limiter-flexible on the claims of claims.ts, so counts hold under parallel requests and
 * across processes on FerretDB too (its own Mongo store counts with `$inc`, which FerretDB 1.x
 * loses under concurrency). Fixed windows: each consumed point is one numbered marker in the
 * current window; a block is a marker that expires when the block ends. Time is the product clock.
 */
export class ClaimsRateLimiter extends RateLimiterStoreAbstract {
  constructor(options: {
    keyPrefix: string;
    points: number;
    duration: number;
    blockDuration?: number;
  }) {
    super({ ...options, storeClient: mongoose });
  }

  #window(msDuration: number) {
    const start = Math.floor(nowMs() / msDuration) * msDuration;
    return { start, end: start + msDuration };
  }

  async #blockedUntil(rlKey: string): Promise<number | undefined> {
    // Only limiters with a block duration ever write block markers; skip the read otherwise.
    if (!(this.blockDuration > 0)) return undefined;
    const prefix = `${rlKey}:blocked:`;
    const block = await mongoose.connection
      .collection<{ _id: string; expiresAt: Date }>(CLAIMS_COLLECTION)
      .findOne({ _id: { $gt: prefix, $lt: `${prefix}~` }, expiresAt: { $gt: new Date(nowMs()) } });
    return block?.expiresAt.getTime();
  }

  async _upsert(
    rlKey: string,
    points: number,
    msDuration: number,
    forceExpire = false,
  ): Promise<StoreResult> {
    if (forceExpire) {
      const expire = nowMs() + msDuration;
      await claimOnce(`${rlKey}:blocked:${expire}`, new Date(expire));
      return { points, expire };
    }

    const blockedUntil = await this.#blockedUntil(rlKey);
    if (blockedUntil) return { points: this.points + 1, expire: blockedUntil };

    const window = this.#window(msDuration);
    // Counting stops one past the budget: enough to refuse, and it bounds the probing.
    const over = this.points + 1;
    let consumed = 0;
    for (let i = 0; i < points && consumed < over; i++) {
      consumed = (await claimSlot(`${rlKey}:w${window.start}`, over, new Date(window.end))) ?? over;
    }
    return { points: consumed, expire: window.end };
  }

  /**
   * Takes a point before the outcome is known, so a burst of parallel requests cannot all pass a
   * check made before any of them counted: undefined when the budget is used up. An outcome that
   * must not count gives its point back with `release`. Only for budgets small enough to be
   * probed from the first slot (claims.ts), where the next caller takes a released slot again.
   */
  async reserve(key: string): Promise<Reservation | undefined> {
    if (!probedFromFirst(this.points)) throw new Error(`${this.keyPrefix}: budget too large`);
    const rlKey = this.getKey(key);
    if (await this.#blockedUntil(rlKey)) return undefined;
    const window = this.#window(this.duration * 1000);
    const prefix = `${rlKey}:w${window.start}`;
    const slot = await claimSlot(prefix, this.points, new Date(window.end));
    if (slot === undefined) return undefined;
    return { release: () => releaseSlot(prefix, slot) };
  }

  /** Whether `key` has used up its budget: one read (is its last slot taken?), exact. */
  async isUsedUp(key: string): Promise<boolean> {
    const rlKey = this.getKey(key);
    if (await this.#blockedUntil(rlKey)) return true;
    const window = this.#window(this.duration * 1000);
    return isSlotTaken(`${rlKey}:w${window.start}`, this.points);
  }

  /**
   * The library's `get`: exact when the budget is used up; below that a lower bound (the hint of
   * budgets large enough to keep one, else 0).
   */
  async _get(rlKey: string): Promise<StoreResult | null> {
    const blockedUntil = await this.#blockedUntil(rlKey);
    if (blockedUntil) return { points: this.points + 1, expire: blockedUntil };
    const window = this.#window(this.duration * 1000);
    const prefix = `${rlKey}:w${window.start}`;
    const points = (await isSlotTaken(prefix, this.points)) ? this.points : await slotHint(prefix);
    return points ? { points, expire: window.end } : null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    const result = await mongoose.connection
      .collection<{ _id: string }>(CLAIMS_COLLECTION)
      .deleteMany({ _id: { $gt: `${rlKey}:`, $lt: `${rlKey}:~` } });
    return result.deletedCount > 0;
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, result: StoreResult): RateLimiterRes {
    return new RateLimiterRes(
      Math.max(this.points - result.points, 0),
      Math.max(result.expire - nowMs(), 0),
      result.points,
      result.points === changedPoints,
    );
  }
}
