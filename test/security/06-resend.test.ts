import { expect } from 'chai';
import { advanceClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { textOf, type Page } from '../support/browser.ts';
import {
  auditEventsOf,
  expectCallbackWithCode,
  formOn,
  reachCodePage,
  steadyClock,
} from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  signInWithPassword,
  submitCode,
  type RelyingParty,
  type SignIn,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

function expectRefused(page: Page, message: string) {
  expect(page.url).not.to.contain(REDIRECT_URI);
  expect(page.status).to.equal(200);
  expect(textOf(page.html)).to.contain(message);
}

async function resend(signIn: SignIn): Promise<Page> {
  const { url, hidden } = formOn(signIn.afterPassword, '/email-code/resend');
  return signIn.browser.visit(url, { form: hidden, stopAt: REDIRECT_URI });
}

const codeTenant = (users: Array<Record<string, unknown>>) =>
  createTenant({ twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' }, users });

describe('security: asking for new email codes', function () {
  beforeEach(function () {
    steadyClock();
  });

  // Catches: a resend that adds a second valid code instead of replacing the first.
  it('kills the old code when a new one is sent: the old one is refused, the new one works', async function () {
    const email = 'jan@resend-old.example';
    const tenant = await codeTenant([{ username: 'jan', email }]);
    const { inbox } = testEnvironment();
    const { signIn, code: first } = await reachCodePage(tenant.rp, 'jan', email);

    advanceClock(31 * SECOND);
    const before = inbox.messages.length;
    expectRefused(await resend(signIn), en['email-code.resent']);
    const second = codeFrom(await inbox.latestTo(email, before));
    if (second !== first) {
      expectRefused(await submitCode(signIn, first), en['email-code.invalid']);
    }
    const callback = await submitCode(signIn, second);
    expectCallbackWithCode(callback);
    await finishAuthorization(tenant.rp, callback.url, signIn.pending);
  });

  // Catches: each resend restarting the 10-minute validity, so resending keeps a sign-in open forever.
  it('never extends the validity: a code resent twice still dies ten minutes after the first email', async function () {
    const email = 'jan@resend-expiry.example';
    const tenant = await codeTenant([{ username: 'jan', email }]);
    const { inbox } = testEnvironment();
    const { signIn } = await reachCodePage(tenant.rp, 'jan', email);

    advanceClock(5 * MINUTE);
    await resend(signIn);
    advanceClock(4 * MINUTE + 30 * SECOND);
    const before = inbox.messages.length;
    await resend(signIn);
    const latest = codeFrom(await inbox.latestTo(email, before));

    advanceClock(31 * SECOND);
    expectRefused(await submitCode(signIn, latest), en['email-code.expired']);
    // Nor does asking once more reopen it.
    const sent = inbox.countTo(email);
    expectRefused(await resend(signIn), en['email-code.expired']);
    expect(inbox.countTo(email)).to.equal(sent);
  });

  // Catches: a send limit per interaction only, which a new sign-in resets.
  it('sends no sixth email within 15 minutes for one account, across sign-ins, and says so', async function () {
    const email = 'jan@resend-account.example';
    const tenant = await codeTenant([{ username: 'jan', email }]);
    const { inbox } = testEnvironment();

    let last: SignIn | undefined;
    for (let sign = 0; sign < 3; sign++) {
      const { signIn } = await reachCodePage(tenant.rp, 'jan', email);
      advanceClock(31 * SECOND);
      last = signIn;
      if (sign < 2) await resend(signIn);
    }
    // Five emails so far: three sign-ins and two resends.
    const sent = inbox.countTo(email);
    const page = await resend(last!);
    expectRefused(page, en['email-code.send-limit']);
    expect(inbox.countTo(email), 'the sixth email').to.equal(sent);

    // A new sign-in with the right password gets no email either.
    const fresh = await signInWithPassword(tenant.rp, 'jan', PASSWORD);
    expectRefused(fresh.afterPassword, en['email-code.send-limit']);
    expect(inbox.countTo(email)).to.equal(sent);
    const limited = (await auditEventsOf(tenant.id)).filter(
      (event) => event.type === 'code.send-limited',
    );
    expect(limited).to.have.length(2);

    // After the window, a sign-in gets its code again.
    advanceClock(15 * MINUTE);
    await reachCodePage(tenant.rp, 'jan', email);
  });

  // Catches: a send limit per account only, so many accounts (or tenants) can flood one mailbox.
  it('sends no eleventh email within the hour to one address, whichever tenant and account asks', async function () {
    const email = 'shared@resend-address.example';
    const tenants = await Promise.all(
      [0, 1, 2].map(() => codeTenant([{ username: 'jan', email }])),
    );
    const { inbox } = testEnvironment();
    const before = inbox.countTo(email);

    const signInTimes = async (rp: RelyingParty, times: number) => {
      for (let i = 0; i < times; i++) await reachCodePage(rp, 'jan', email);
    };
    await signInTimes(tenants[0]!.rp, 5);
    await signInTimes(tenants[1]!.rp, 5);
    expect(inbox.countTo(email) - before).to.equal(10);

    const third = await signInWithPassword(tenants[2]!.rp, 'jan', PASSWORD);
    expectRefused(third.afterPassword, en['email-code.send-limit']);
    expect(inbox.countTo(email) - before, 'the eleventh email').to.equal(10);
  });
});
