import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { loadOrCreateSecret } from '../../adapters/secrets.ts';

/**
 * Secrets generated when the environment gives none: processes that start at the same moment on
 * a fresh database must all start, and with the same values.
 */
describe('installation secrets kept in the database', function () {
  it('gives parallel first loads one set of values, and no error', async function () {
    // A race is not certain to show in one try; a few fresh names make a lost one likely to.
    for (let round = 0; round < 4; round++) {
      const name = `test-secret-${randomBytes(4).toString('hex')}`;
      const loads = await Promise.all(
        Array.from({ length: 16 }, () => loadOrCreateSecret(name, 2)),
      );
      expect(loads[0]).to.have.length(2);
      for (const values of loads) expect(values).to.deep.equal(loads[0]);
      expect(await loadOrCreateSecret(name, 2)).to.deep.equal(loads[0]);
    }
  });

  it('generates different values under different names', async function () {
    const first = await loadOrCreateSecret(`test-secret-${randomBytes(4).toString('hex')}`);
    const second = await loadOrCreateSecret(`test-secret-${randomBytes(4).toString('hex')}`);
    expect(first[0]).to.match(/^[\w-]{43}$/);
    expect(first[0]).to.not.equal(second[0]);
  });
});
