import { resetClock } from '../../provider/clock.ts';
import { startTestEnvironment, stopTestEnvironment } from './environment.ts';

/** Mocha root hooks: one environment for the whole run, and a clock reset after every test. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    await startTestEnvironment();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30000);
    await stopTestEnvironment();
  },
  afterEach() {
    resetClock();
  },
};
