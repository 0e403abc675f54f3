import { expect } from 'chai';
import {
  CODE_TTL_MS,
  issueCode,
  MAX_CODE_TRIES,
  recordAccount,
  recordIdentifier,
  verifyCode,
} from '../../adapters/login-attempts.ts';

const secret = 'storage-test-secret-0123456789abcdef';
const inAnHour = () => new Date(Date.now() + 3600_000);
let counter = 0;

async function freshAttempt(accountId = 'acc-1') {
  const uid = `uid-${Date.now()}-${counter++}`;
  await recordIdentifier('store', uid, 'jan', inAnHour());
  await recordAccount('store', uid, accountId, new Date(), inAnHour());
  const issued = await issueCode({ tenant: 'store', uid, accountId, secret, now: new Date() });
  if (issued.status !== 'issued') throw new Error(issued.status);
  return { uid, accountId, code: issued.code, issued };
}

const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The email-code rules as the database enforces them, under parallel requests. */
describe('email code storage', function () {
  it('gives many parallel wrong submissions no more than the allowed tries', async function () {
    const { uid, accountId, code } = await freshAttempt();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        verifyCode({
          tenant: 'store',
          uid,
          accountId,
          submitted: wrongFor(code),
          secret,
          now: new Date(),
        }),
      ),
    );
    // Tries 1-4 are told "invalid"; the fifth and every refused one "too-many".
    expect(results.filter((r) => r === 'invalid')).to.have.length(MAX_CODE_TRIES - 1);
    expect(
      await verifyCode({
        tenant: 'store',
        uid,
        accountId,
        submitted: code,
        secret,
        now: new Date(),
      }),
    ).to.equal('too-many');
  });

  it('accepts the right code on the last allowed try', async function () {
    const { uid, accountId, code } = await freshAttempt();
    for (let i = 1; i < MAX_CODE_TRIES; i++) {
      const wrong = await verifyCode({
        tenant: 'store',
        uid,
        accountId,
        submitted: wrongFor(code),
        secret,
        now: new Date(),
      });
      expect(wrong).to.equal('invalid');
    }
    expect(
      await verifyCode({
        tenant: 'store',
        uid,
        accountId,
        submitted: code,
        secret,
        now: new Date(),
      }),
    ).to.equal('verified');
  });

  it('lets the right code submitted twice at once sign in only once', async function () {
    const { uid, accountId, code } = await freshAttempt();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        verifyCode({ tenant: 'store', uid, accountId, submitted: code, secret, now: new Date() }),
      ),
    );
    expect(results.filter((r) => r === 'verified')).to.have.length(1);
  });

  it('binds the code to its interaction and account', async function () {
    const first = await freshAttempt('acc-1');
    const second = await freshAttempt('acc-1');
    expect(
      await verifyCode({
        tenant: 'store',
        uid: second.uid,
        accountId: 'acc-1',
        submitted: first.code,
        secret,
        now: new Date(),
      }),
    ).to.not.equal('verified');
    expect(
      await verifyCode({
        tenant: 'store',
        uid: first.uid,
        accountId: 'acc-2',
        submitted: first.code,
        secret,
        now: new Date(),
      }),
    ).to.equal('no-code');
  });

  it('never extends expiry on resend and refuses a code after it', async function () {
    const { uid, accountId, issued } = await freshAttempt();
    const later = new Date(Date.now() + 5 * 60_000);
    const again = await issueCode({ tenant: 'store', uid, accountId, secret, now: later });
    expect(again.status).to.equal('issued');
    if (again.status !== 'issued' || issued.status !== 'issued') return;
    expect(again.expiresAt.getTime()).to.equal(issued.expiresAt.getTime());

    const afterExpiry = new Date(issued.expiresAt.getTime() + 1);
    expect(
      await verifyCode({
        tenant: 'store',
        uid,
        accountId,
        submitted: again.code,
        secret,
        now: afterExpiry,
      }),
    ).to.equal('expired');
    expect(
      (await issueCode({ tenant: 'store', uid, accountId, secret, now: afterExpiry })).status,
    ).to.equal('expired');
    expect(issued.expiresAt.getTime() - Date.now()).to.be.at.most(CODE_TTL_MS);
  });

  it('refuses a resend within the cooldown', async function () {
    const { uid, accountId } = await freshAttempt();
    expect(
      (await issueCode({ tenant: 'store', uid, accountId, secret, now: new Date() })).status,
    ).to.equal('cooldown');
  });
});
