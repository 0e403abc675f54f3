import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { textOf, type Page } from '../support/browser.ts';
import {
  accountIdOf,
  expectCallbackWithCode,
  expectNoCodeHandedOut,
  formOn,
  reachCodePage,
  RecordingBrowser,
} from '../support/attacker.ts';
import {
  callbackError,
  finishAuthorization,
  REDIRECT_URI,
  startAuthorization,
  submitCode,
} from '../support/relying-party.ts';
import { createTenant } from '../support/tenants.ts';

const JAN = 'jan@binding.example';
const ELS = 'els@binding.example';

function expectRefused(page: Page, message: string) {
  expect(page.url).not.to.contain(REDIRECT_URI);
  expect(textOf(page.html)).to.contain(message);
}

/** The `_interaction` cookies (value and signature) the browser holds for the page's interaction. */
async function interactionCookie(browser: RecordingBrowser, page: Page): Promise<string> {
  const { url } = formOn(page, '/email-code');
  return browser.jar.getCookieString(url);
}

describe('security: codes and forms are bound to one sign-in', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: JAN },
        { username: 'els', email: ELS },
      ],
    });
  });

  /** Two sign-ins whose codes differ (two random codes can coincide). */
  async function twoSignIns(first: [string, string], second: [string, string]) {
    const a = await reachCodePage(tenant.rp, ...first, { browser: new RecordingBrowser() });
    let b = await reachCodePage(tenant.rp, ...second, { browser: new RecordingBrowser() });
    while (b.code === a.code) {
      b = await reachCodePage(tenant.rp, ...second, { browser: new RecordingBrowser() });
    }
    return { a, b };
  }

  // Catches: codes stored per account only, so any open sign-in of the user accepts them.
  it("refuses the user's code from their other sign-in, in either direction", async function () {
    const { a, b } = await twoSignIns(['jan', JAN], ['jan', JAN]);
    expectRefused(await submitCode(b.signIn, a.code), en['email-code.invalid']);
    expectRefused(await submitCode(a.signIn, b.code), en['email-code.invalid']);
    expectNoCodeHandedOut(a.signIn.browser as RecordingBrowser);
    expectNoCodeHandedOut(b.signIn.browser as RecordingBrowser);
  });

  // Catches: a code checked against "any live code of the tenant", so the attacker's own code works.
  it("refuses an attacker's own valid code in the victim's sign-in", async function () {
    const { a: victim, b: attacker } = await twoSignIns(['jan', JAN], ['els', ELS]);
    expectRefused(await submitCode(victim.signIn, attacker.code), en['email-code.invalid']);
    expectNoCodeHandedOut(victim.signIn.browser as RecordingBrowser);
    // The attacker's code still works for the attacker: it was compared, not consumed.
    const callback = await submitCode(attacker.signIn, attacker.code);
    expectCallbackWithCode(callback);
    const tokens = await finishAuthorization(tenant.rp, callback.url, attacker.signIn.pending);
    expect(tokens.claims()!.sub).to.equal(await accountIdOf(tenant.id, 'els'));
  });

  // Catches: a csrf token that is only checked for presence or shared between sign-ins.
  it("refuses the right code posted with another sign-in's form token, and the code still works with its own", async function () {
    const { a, b } = await twoSignIns(['jan', JAN], ['els', ELS]);
    const { url } = formOn(a.signIn.afterPassword, '/email-code');
    const foreign = formOn(b.signIn.afterPassword, '/email-code').hidden.csrf!;
    const browser = a.signIn.browser as RecordingBrowser;

    const page = await browser.visit(url, {
      form: { csrf: foreign, code: a.code },
      stopAt: REDIRECT_URI,
    });
    expect(page.status).to.be.within(400, 499);
    expect(textOf(page.html)).to.contain(en['error.invalid-request']);
    expectNoCodeHandedOut(browser);

    const callback = await submitCode(a.signIn, a.code);
    expectCallbackWithCode(callback);
    await finishAuthorization(tenant.rp, callback.url, a.signIn.pending);
  });

  // Catches: a step that trusts the uid in the URL and ignores which interaction the cookie names.
  it("gets nowhere by posting to another sign-in's URL while keeping one's own interaction cookie", async function () {
    const { a: attacker, b: victim } = await twoSignIns(['els', ELS], ['jan', JAN]);
    const attackerBrowser = attacker.signIn.browser as RecordingBrowser;
    const cookie = await interactionCookie(attackerBrowser, attacker.signIn.afterPassword);
    expect(cookie).to.contain('_interaction=');

    // The victim's URL and form token, the attacker's cookie and code; then the other way round.
    const victimForm = formOn(victim.signIn.afterPassword, '/email-code');
    const attackerForm = formOn(attacker.signIn.afterPassword, '/email-code');
    const tries: Array<{ url: string; csrf: string }> = [
      { url: victimForm.url, csrf: victimForm.hidden.csrf! },
      { url: victimForm.url, csrf: attackerForm.hidden.csrf! },
    ];
    for (const { url, csrf } of tries) {
      const response = await attackerBrowser.request(url, {
        form: { csrf, code: attacker.code },
        headers: { cookie },
      });
      expect(response.status).to.be.within(400, 499);
      expect(response.headers.get('location')).to.equal(null);
    }
    expectNoCodeHandedOut(attackerBrowser);

    // Neither sign-in was moved on: the victim still needs their own code, which still works.
    const callback = await submitCode(victim.signIn, victim.code);
    expectCallbackWithCode(callback);
    const tokens = await finishAuthorization(tenant.rp, callback.url, victim.signIn.pending);
    expect(tokens.claims()!.sub).to.equal(await accountIdOf(tenant.id, 'jan'));
  });

  // Catches: a form action rewritten to another uid that the same cookie then opens.
  it('refuses a form whose action was edited to another uid, with the page and cookie of one sign-in', async function () {
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    const edited = url.replace(
      /\/interaction\/[^/]+\//,
      '/interaction/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/',
    );
    const cookie = await browser.jar.getCookieString(url);
    const response = await browser.request(edited, {
      form: { csrf: hidden.csrf!, code },
      headers: { cookie },
    });
    expect(response.status).to.be.within(400, 499);
    expect(response.headers.get('location')).to.equal(null);
    expectNoCodeHandedOut(browser);
  });

  // Catches: interactions or sessions looked up by id alone, so another tenant's URL continues them.
  it("cannot carry a sign-in or a session over to another tenant's URLs", async function () {
    const other = await createTenant({
      twoFactor: { method: 'off' },
      users: [{ username: 'jan', email: JAN, password: 'another tenant, another password' }],
    });
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    const moved = url.replace(`/realms/${tenant.id}/`, `/realms/${other.id}/`);
    const cookie = await browser.jar.getCookieString(url);
    const response = await browser.request(moved, {
      form: { csrf: hidden.csrf!, code },
      headers: { cookie },
    });
    expect(response.status).to.be.within(400, 499);
    expect(response.headers.get('location')).to.equal(null);

    // A finished sign-in at one tenant is no session at the other.
    const callback = await submitCode(signIn, code);
    expectCallbackWithCode(callback);
    const silent = await startAuthorization(other.rp, { prompt: 'none' });
    const answer = await browser.visit(silent.url, { stopAt: REDIRECT_URI });
    expect(callbackError(answer.url)).to.equal('login_required');
    expect(browser.codesHandedOut()).to.have.length(1);
  });

  // Catches: a verified account kept when the identifier changes, so the old code signs in anyway.
  it('forgets the verified password when the sign-in is restarted or the identifier changed: the code sent before is dead', async function () {
    for (const [suffix, fields] of [
      ['/restart', {}],
      ['/identifier', { identifier: 'els' }],
    ] as Array<[string, Record<string, string>]>) {
      const browser = new RecordingBrowser();
      const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
      const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
      const moved = await browser.visit(url.replace(/\/email-code$/, suffix), {
        form: { csrf: hidden.csrf!, ...fields },
        stopAt: REDIRECT_URI,
      });
      expect(moved.html, suffix).not.to.contain('name="code"');

      const replay = await browser.visit(url, {
        form: { csrf: hidden.csrf!, code },
        stopAt: REDIRECT_URI,
      });
      expect(replay.url, suffix).not.to.contain(REDIRECT_URI);
      expect(replay.status, suffix).to.be.below(500);
      expectNoCodeHandedOut(browser, suffix);
    }
  });
});
