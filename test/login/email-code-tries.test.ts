import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { Browser, findForm, textOf, type Page } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  signInWithPassword,
  submitCode,
  type SignIn,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const EMAIL = 'jan@supplier.example';

/** A code no email of this sign-in carried, so a refusal is about the code, not bad luck. */
function wrongCodeFor(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

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

describe('entering the email code: tries, malformed input, single use and binding', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: EMAIL }],
    });
  });

  async function codeStep(browser?: Browser): Promise<{ signIn: SignIn; code: string }> {
    const { inbox } = testEnvironment();
    const before = inbox.messages.length;
    const signIn = await signInWithPassword(tenant.rp, 'jan', PASSWORD, { browser });
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    return { signIn, code: codeFrom(await inbox.latestTo(EMAIL, before)) };
  }

  it('signs in with the right code after one wrong code', async function () {
    const { signIn, code } = await codeStep();
    expectRefused(await submitCode(signIn, wrongCodeFor(code)), en['email-code.invalid']);

    const callback = await submitCode(signIn, code);
    expectCallback(callback);
    const tokens = await finishAuthorization(tenant.rp, callback.url, signIn.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('refuses even the right code after five wrong ones and never returns to the application', async function () {
    const { signIn, code } = await codeStep();
    for (let i = 1; i <= 4; i++) {
      expectRefused(await submitCode(signIn, wrongCodeFor(code)), en['email-code.invalid']);
    }
    const fifth = await submitCode(signIn, wrongCodeFor(code));
    expectRefused(fifth, en['email-code.too-many']);
    expect(fifth.html, 'no code form once the tries are used up').not.to.match(
      /action="[^"]*\/email-code"/,
    );

    expectRefused(await submitCode(signIn, code), en['email-code.too-many']);
    const reloaded = await signIn.browser.visit(signIn.afterPassword.url, { stopAt: REDIRECT_URI });
    expectRefused(reloaded, en['email-code.too-many']);
  });

  it('refuses malformed codes with a page, and each one costs a try', async function () {
    const { signIn, code } = await codeStep();
    const malformed = ['', '   ', '12345', '1234567', 'abcdef'];
    const pages = [];
    for (const entry of malformed) pages.push(await submitCode(signIn, entry));

    for (const page of pages.slice(0, 4)) expectRefused(page, en['email-code.invalid']);
    expectRefused(pages[4]!, en['email-code.too-many']);
    expectRefused(await submitCode(signIn, code), en['email-code.too-many']);
  });

  it('accepts a code only once: posting the same form again does not sign in a second time', async function () {
    const { signIn, code } = await codeStep();
    const first = await submitCode(signIn, code);
    expectCallback(first);

    const replay = await submitCode(signIn, code);
    expect(replay.url).not.to.contain(REDIRECT_URI);
    expect(replay.status).to.be.within(200, 499);
    expect(textOf(replay.html)).to.contain(en['error.interaction-expired']);

    const tokens = await finishAuthorization(tenant.rp, first.url, signIn.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('refuses the code posted a second time before the browser has gone back to the application', async function () {
    const { signIn, code } = await codeStep();
    const form = findForm(signIn.afterPassword.html, '/email-code');
    const action = new URL(form.action, signIn.afterPassword.url).href;
    const accepted = await signIn.browser.request(action, { form: { ...form.hidden, code } });
    expect(accepted.status).to.equal(303);

    expectRefused(await submitCode(signIn, code), en['email-code.expired']);

    const resume = new URL(accepted.headers.get('location')!, action).href;
    const callback = await signIn.browser.visit(resume, { stopAt: REDIRECT_URI });
    expectCallback(callback);
    await finishAuthorization(tenant.rp, callback.url, signIn.pending);
  });

  it('does not accept a code emailed for another sign-in of the same user', async function () {
    const browser = new Browser();
    const first = await codeStep(browser);
    let second = await codeStep(browser);
    // Two random codes can coincide; only a different code tells whether the binding holds.
    while (second.code === first.code) second = await codeStep(browser);

    expectRefused(await submitCode(second.signIn, first.code), en['email-code.invalid']);
    expectRefused(await submitCode(first.signIn, second.code), en['email-code.invalid']);

    const callback = await submitCode(second.signIn, second.code);
    expectCallback(callback);
    await finishAuthorization(tenant.rp, callback.url, second.signIn.pending);
  });
});
