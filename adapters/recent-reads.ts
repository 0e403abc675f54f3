import { LRUCache } from 'lru-cache';
import type { Schema } from 'mongoose';
import { nowMs } from '../provider/clock.ts';

/**
 * How long a process keeps a tenant or client record it read. Every protocol request and every
 * sign-in step needs its tenant (enabled? which policy?) and most need the client, which makes
 * them the most repeated reads of a sign-in. A change written by this process applies at once
 * (the store's writes drop the copies); one written by another process or the shell applies
 * within this time.
 */
export const RECHECK_MS = 1000;

const writes: Array<
  | 'updateOne'
  | 'updateMany'
  | 'replaceOne'
  | 'deleteOne'
  | 'deleteMany'
  | 'findOneAndUpdate'
  | 'findOneAndReplace'
  | 'findOneAndDelete'
> = [
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
];

/**
 * Reads by `_id` kept for RECHECK_MS (product clock), shared by parallel callers; a failed read
 * is not kept, and at most `max` records are (the least recently read go first). `dropOnWrites`
 * clears every copy after any write through the schema's model.
 */
export class RecentReads<T extends object> {
  readonly #copies: LRUCache<string, { at: number; value: Promise<T | null> }>;

  constructor(max: number) {
    this.#copies = new LRUCache({ max });
  }

  read(id: string, load: () => Promise<T | null>): Promise<T | null> {
    const copy = this.#copies.get(id);
    if (copy && nowMs() - copy.at < RECHECK_MS && nowMs() >= copy.at) return copy.value;
    const value = load();
    const entry = { at: nowMs(), value };
    this.#copies.set(id, entry);
    value.catch(() => {
      if (this.#copies.get(id) === entry) this.#copies.delete(id);
    });
    return value;
  }

  clear(): void {
    this.#copies.clear();
  }

  dropOnWrites(schema: Schema): void {
    const clear = () => this.clear();
    schema.post(writes, clear);
    schema.post('save', clear);
    schema.post('insertMany', clear);
    schema.post('bulkWrite', clear);
  }
}
