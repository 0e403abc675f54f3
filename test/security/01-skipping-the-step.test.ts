import { expect } from 'chai';
import { textOf } from '../support/browser.ts';
import {
  expectCallbackWithCode,
  expectNoCodeHandedOut,
  formOn,
  interactionUid,
  reachCodePage,
  RecordingBrowser,
} from '../support/attacker.ts';
import {
  callbackError,
  finishAuthorization,
  REDIRECT_URI,
  relyingParty,
  startAuthorization,
  submitCode,
} from '../support/relying-party.ts';
import { CLIENT_SECRET, createTenant, PASSWORD } from '../support/tenants.ts';

const EMAIL = 'jan@skip.example';

/**
 * An attacker who knows the password but not the mailbox stands on the code page and tries
 * every other way to an authorization code. None may work, and the client never sees `code=`.
 */
describe('security: skipping the email-code step after the password', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let portal: Awaited<ReturnType<typeof relyingParty>>;

  before(async function () {
    const client = (id: string) => ({
      client_id: id,
      client_secret: CLIENT_SECRET,
      client_name: id,
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: ['http://127.0.0.1:8080/'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: EMAIL }],
      extra: { clients: [client('workplace'), client('portal')] },
    });
    portal = await relyingParty(tenant.issuer, 'portal', CLIENT_SECRET);
  });

  async function standOnCodePage() {
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    return { browser, signIn, code };
  }

  // Catches: a session written after the password, so a new authorization request just succeeds.
  it('asks for the sign-in again, not for nothing, when the same application starts a new authorization', async function () {
    const { browser } = await standOnCodePage();
    const again = await startAuthorization(tenant.rp);
    const page = await browser.visit(again.url, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(page.html).to.contain('name="identifier"');
    expectNoCodeHandedOut(browser);
  });

  // Catches: a half-signed-in session that another client of the tenant accepts.
  it('asks for the sign-in again when a second application of the tenant starts an authorization', async function () {
    const { browser } = await standOnCodePage();
    const other = await startAuthorization(portal);
    const page = await browser.visit(other.url, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(page.html).to.contain('name="identifier"');
    expectNoCodeHandedOut(browser);
  });

  // Catches: a session holding the account, which prompt=none would then use silently.
  it('answers prompt=none with login_required, as for someone who never signed in', async function () {
    const { browser } = await standOnCodePage();
    for (const rp of [tenant.rp, portal]) {
      const silent = await startAuthorization(rp, { prompt: 'none' });
      const callback = await browser.visit(silent.url, { stopAt: REDIRECT_URI });
      expect(callbackError(callback.url)).to.equal('login_required');
    }
    expectNoCodeHandedOut(browser);
  });

  // Catches: consent offered (and granted) to a session that passed only the password.
  it('shows the sign-in, not a grant, when the application asks for prompt=consent', async function () {
    const { browser } = await standOnCodePage();
    const consent = await startAuthorization(tenant.rp, { prompt: 'consent' });
    const page = await browser.visit(consent.url, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(page.html).to.contain('name="identifier"');
    expectNoCodeHandedOut(browser);
  });

  // Catches: an interaction result stored at the password, which the resume URL then delivers.
  it('does not finish when the browser goes straight to the resume URL of the interaction', async function () {
    const { browser, signIn } = await standOnCodePage();
    const uid = interactionUid(signIn.afterPassword);
    const resume = `${tenant.issuer}/auth/${uid}`;
    const page = await browser.visit(resume, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(page.status).to.be.below(500);
    expectNoCodeHandedOut(browser);
  });

  // Catches: a second correct password post that finishes the login because the account is known.
  it('shows the code page again, not the application, when the correct password is posted again', async function () {
    const { browser, signIn } = await standOnCodePage();
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    const page = await browser.visit(url.replace(/\/email-code$/, '/password'), {
      form: { csrf: hidden.csrf!, password: PASSWORD },
      stopAt: REDIRECT_URI,
    });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(page.html).to.contain('name="code"');
    expectNoCodeHandedOut(browser);
  });

  // Catches: a step router that lets any step URL end the interaction once the password passed.
  it('gets no further by posting to the other step URLs of the interaction', async function () {
    const { browser, signIn } = await standOnCodePage();
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    const base = url.replace(/\/email-code$/, '');
    const attempts: Array<[string, Record<string, string>]> = [
      ['/identifier', { identifier: 'jan' }],
      ['/consent', {}],
      ['/login', { accountId: 'jan' }],
      ['/federated/start?idp=0', {}],
      ['/email-code/verify', { code: '000000' }],
      ['/', { code: '000000' }],
    ];
    for (const [suffix, fields] of attempts) {
      const page = await browser.visit(`${base}${suffix}`, {
        form: { csrf: hidden.csrf!, ...fields },
        stopAt: REDIRECT_URI,
      });
      expect(page.url, suffix).not.to.contain(REDIRECT_URI);
      expect(page.status, suffix).to.be.below(500);
    }
    const callbackPage = await browser.visit(`${base}/federated/callback?code=x&state=y`, {
      stopAt: REDIRECT_URI,
    });
    expect(callbackPage.url).not.to.contain(REDIRECT_URI);
    expect(callbackPage.status).to.be.below(500);
    expectNoCodeHandedOut(browser);
  });

  // Catches: the tries above quietly finishing the login, so the real code then finds it done.
  it('still needs the emailed code after all those attempts, and the code then signs in once', async function () {
    const { browser, signIn, code } = await standOnCodePage();
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    for (const suffix of ['/consent', '/login', '/identifier']) {
      await browser.visit(url.replace(/\/email-code$/, suffix), {
        form: { csrf: hidden.csrf! },
        stopAt: REDIRECT_URI,
      });
    }
    const reloaded = await browser.visit(signIn.afterPassword.url, { stopAt: REDIRECT_URI });
    expect(textOf(reloaded.html)).to.contain('Check your email');
    expectNoCodeHandedOut(browser);

    const callback = await submitCode(signIn, code);
    expectCallbackWithCode(callback);
    expect(browser.codesHandedOut()).to.have.length(1);
    const tokens = await finishAuthorization(tenant.rp, callback.url, signIn.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });
});
