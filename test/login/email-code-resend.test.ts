import { expect } from 'chai';
import { advanceClock, freezeClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { textOf, type Page } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom, type ReceivedMail } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  signInWithPassword,
  submitCode,
  type SignIn,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const EMAIL = 'jan@supplier.example';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function expectCallback(page: Page) {
  expect(page.url, textOf(page.html).slice(0, 300)).to.match(
    new RegExp(`^${REDIRECT_URI}\\?code=`),
  );
}

function expectRefused(page: Page, message: string) {
  expect(page.status).to.equal(200);
  expect(page.url).not.to.contain(REDIRECT_URI);
  expect(textOf(page.html)).to.contain(message);
}

const validityLine = (mail: ReceivedMail) =>
  mail.text.split('\n').find((line) => line.includes('expires at'));

describe('sending a new email code', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: EMAIL }],
    });
  });

  // The product clock stands still unless a test moves it, so only the moves below count.
  beforeEach(function () {
    freezeClock();
  });

  async function codeStep(): Promise<{ signIn: SignIn; mail: ReceivedMail }> {
    const { inbox } = testEnvironment();
    const before = inbox.messages.length;
    const signIn = await signInWithPassword(tenant.rp, 'jan', PASSWORD);
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    return { signIn, mail: await inbox.latestTo(EMAIL, before) };
  }

  function resend(signIn: SignIn): Promise<Page> {
    return signIn.browser.submit(
      signIn.afterPassword,
      '/email-code/resend',
      {},
      { stopAt: REDIRECT_URI },
    );
  }

  it('sends no new email when asked again within 30 seconds, and the first code still works', async function () {
    const { inbox } = testEnvironment();
    const { signIn, mail } = await codeStep();
    const sent = inbox.countTo(EMAIL);

    advanceClock(29 * SECOND);
    const page = await resend(signIn);
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(textOf(page.html)).to.contain(en['email-code.resend-wait'].replace('{seconds}', '1'));
    expect(inbox.countTo(EMAIL)).to.equal(sent);

    const callback = await submitCode(signIn, codeFrom(mail));
    expectCallback(callback);
    await finishAuthorization(tenant.rp, callback.url, signIn.pending);
  });

  it('after 30 seconds sends a new code that works, and the old code no longer does', async function () {
    const { inbox } = testEnvironment();
    const { signIn, mail: first } = await codeStep();
    const sent = inbox.messages.length;

    advanceClock(31 * SECOND);
    const page = await resend(signIn);
    expect(textOf(page.html)).to.contain(en['email-code.resent']);
    const second = await inbox.latestTo(EMAIL, sent);
    expect(inbox.messages.length, 'exactly one new email').to.equal(sent + 1);
    expect(codeFrom(second)).not.to.equal(codeFrom(first));

    expectRefused(await submitCode(signIn, codeFrom(first)), en['email-code.invalid']);
    const callback = await submitCode(signIn, codeFrom(second));
    expectCallback(callback);
    const tokens = await finishAuthorization(tenant.rp, callback.url, signIn.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('refuses a code entered more than 10 minutes after it was sent', async function () {
    const { signIn, mail } = await codeStep();
    advanceClock(10 * MINUTE + SECOND);
    const page = await submitCode(signIn, codeFrom(mail));
    expectRefused(page, en['email-code.expired']);
  });

  it('sends no fresh code once the first code is 10 minutes old', async function () {
    const { inbox } = testEnvironment();
    const { signIn, mail } = await codeStep();
    const sent = inbox.countTo(EMAIL);

    advanceClock(10 * MINUTE + SECOND);
    const page = await resend(signIn);
    expectRefused(page, en['email-code.expired']);
    expect(inbox.countTo(EMAIL)).to.equal(sent);
    expectRefused(await submitCode(signIn, codeFrom(mail)), en['email-code.expired']);
  });

  it('keeps the first expiry for a code resent later: it stops working 10 minutes after the first email', async function () {
    const { inbox } = testEnvironment();
    const { signIn, mail: first } = await codeStep();
    const sent = inbox.messages.length;

    advanceClock(9 * MINUTE);
    await resend(signIn);
    const second = await inbox.latestTo(EMAIL, sent);
    expect(validityLine(second)).to.be.a('string');
    expect(validityLine(second)).to.equal(validityLine(first));

    advanceClock(MINUTE + SECOND);
    expectRefused(await submitCode(signIn, codeFrom(second)), en['email-code.expired']);
  });
});
