import mongoose from 'mongoose';
import { CLAIMS_COLLECTION } from '../../adapters/claims.ts';
import { resetClock } from '../../provider/clock.ts';
import { limits } from '../../provider/limits.ts';
import { startTestEnvironment, stopTestEnvironment } from './environment.ts';

/**
 * Budgets are product state that outlives a test (and many tests mail the same address), so
 * each test starts with fresh budgets, as it starts with the real clock.
 */
async function resetBudgets() {
  const claims = mongoose.connection.collection<{ _id: string }>(CLAIMS_COLLECTION);
  for (const limiter of Object.values(limits)) {
    await claims.deleteMany({
      _id: { $gt: `${limiter.keyPrefix}:`, $lt: `${limiter.keyPrefix};` },
    });
  }
}

/** Mocha root hooks: one environment for the whole run; clock and budgets reset after each test. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    await startTestEnvironment();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30000);
    await stopTestEnvironment();
  },
  async afterEach() {
    resetClock();
    await resetBudgets();
  },
};
