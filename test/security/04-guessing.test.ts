import { expect } from 'chai';
import { advanceClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { textOf, type Page } from '../support/browser.ts';
import type { ChildProvider } from '../support/child-provider.ts';
import {
  accountIdOf,
  auditEventsOf,
  claimIdsStartingWith,
  expectCallbackWithCode,
  expectNoCodeHandedOut,
  formOn,
  reachCodePage,
  RecordingBrowser,
  relyingPartyAt,
  startProxiedProvider,
  steadyClock,
  wrongCodeFor,
} from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  submitCode,
  type SignIn,
} from '../support/relying-party.ts';
import { createTenant } from '../support/tenants.ts';

const JAN = 'jan@guessing.example';
const ELS = 'els@guessing.example';

function expectRefused(page: Page, message: string) {
  expect(page.status).to.equal(200);
  expect(page.url).not.to.contain(REDIRECT_URI);
  expect(textOf(page.html)).to.contain(message);
}

/** Five wrong guesses at the code of this sign-in. */
async function guessFiveTimes(signIn: SignIn, code: string) {
  for (let i = 1; i <= 5; i++) {
    const page = await submitCode(signIn, wrongCodeFor(code, i));
    expectRefused(page, i < 5 ? en['email-code.invalid'] : en['email-code.too-many']);
  }
}

describe('security: guessing email codes', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeEach(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: JAN },
        { username: 'els', email: ELS },
      ],
    });
  });

  // Catches: a try counter that stops refusing once more guesses than five are sent.
  it('refuses a sixth and seventh guess at one code, even when the seventh is the right code', async function () {
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
    await guessFiveTimes(signIn, code);
    expectRefused(await submitCode(signIn, wrongCodeFor(code, 6)), en['email-code.too-many']);
    expectRefused(await submitCode(signIn, code), en['email-code.too-many']);
    expectNoCodeHandedOut(browser);
  });

  // Catches: tries counted per code only, so asking for a new code buys five more guesses forever.
  it('does not buy more guesses with new codes: after ten wrong ones even a fresh right code is refused as locked', async function () {
    steadyClock();
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
    await guessFiveTimes(signIn, code);

    for (let round = 0; round < 2; round++) {
      advanceClock(31_000);
      const before = inbox.messages.length;
      const resend = formOn(signIn.afterPassword, '/email-code/resend');
      await browser.visit(resend.url, { form: resend.hidden, stopAt: REDIRECT_URI });
      const fresh = codeFrom(await inbox.latestTo(JAN, before));
      if (round === 0) {
        for (let i = 1; i <= 5; i++) await submitCode(signIn, wrongCodeFor(fresh, i));
      } else {
        expectRefused(await submitCode(signIn, fresh), en['email-code.locked']);
      }
    }
    expectNoCodeHandedOut(browser);
  });

  // Catches: an account budget kept in process memory or keyed by interaction or IP address.
  it('keeps the ten-per-hour budget across sign-ins, correct passwords, IP addresses and provider processes', async function () {
    this.timeout(60000);
    const child: ChildProvider = await startProxiedProvider();
    try {
      const childRp = await relyingPartyAt(child.baseUrl, tenant.id);
      // Two sign-ins through the proxied process, each from its own address, five guesses each.
      for (const ip of ['198.51.100.1', '198.51.100.2']) {
        const browser = new RecordingBrowser({ 'x-forwarded-for': ip });
        const { signIn, code } = await reachCodePage(childRp, 'jan', JAN, { browser });
        await guessFiveTimes(signIn, code);
        expectNoCodeHandedOut(browser);
      }

      const account = await accountIdOf(tenant.id, 'jan');
      const markers = await claimIdsStartingWith(`code-fail:${tenant.id}:${account}:`);
      const slots = markers.filter((id) => /#\d+$/.test(id));
      expect(slots, 'the failures are counted in the database').to.have.length(10);

      // A third sign-in on another process (this one) and a third address: the right code is refused.
      const third = new RecordingBrowser({ 'x-forwarded-for': '198.51.100.3' });
      const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser: third });
      expectRefused(await submitCode(signIn, code), en['email-code.locked']);
      expectNoCodeHandedOut(third);

      // And on the proxied process from a fourth address.
      const fourth = new RecordingBrowser({ 'x-forwarded-for': '198.51.100.4' });
      const again = await reachCodePage(childRp, 'jan', JAN, { browser: fourth });
      expectRefused(await submitCode(again.signIn, again.code), en['email-code.locked']);
      expectNoCodeHandedOut(fourth);

      const locked = (await auditEventsOf(tenant.id)).filter(
        (event) => event.type === 'code.locked' && event.account === account,
      );
      expect(locked).to.have.length.at.least(1);
    } finally {
      await child.stop();
    }
  });

  // Catches: a lock keyed by tenant or IP address that also shuts out everyone else.
  it('leaves another user of the same tenant free to sign in while one account is locked', async function () {
    const browser = new RecordingBrowser();
    for (let sign = 0; sign < 2; sign++) {
      const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
      await guessFiveTimes(signIn, code);
    }
    const jan = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
    expectRefused(await submitCode(jan.signIn, jan.code), en['email-code.locked']);
    expectNoCodeHandedOut(browser);

    const els = await reachCodePage(tenant.rp, 'els', ELS, { browser: new RecordingBrowser() });
    const callback = await submitCode(els.signIn, els.code);
    expectCallbackWithCode(callback);
    const tokens = await finishAuthorization(tenant.rp, callback.url, els.signIn.pending);
    expect(tokens.claims()!.sub).to.equal(await accountIdOf(tenant.id, 'els'));
  });

  // Catches: a budget that a lock-out check alone enforces, so a locked account keeps being told "not correct".
  it('shows the locked message, not a plain "not correct", to every code of a locked account', async function () {
    const browser = new RecordingBrowser();
    for (let sign = 0; sign < 2; sign++) {
      const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
      await guessFiveTimes(signIn, code);
    }
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
    for (const guess of [wrongCodeFor(code), code]) {
      const page = await submitCode(signIn, guess);
      expectRefused(page, en['email-code.locked']);
      expect(textOf(page.html)).not.to.contain(en['email-code.invalid']);
    }
  });
});
