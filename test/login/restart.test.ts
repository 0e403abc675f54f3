import { expect } from 'chai';
import { Browser } from '../support/browser.ts';
import { ChildProvider } from '../support/child-provider.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  relyingParty,
  startAuthorization,
} from '../support/relying-party.ts';
import { CLIENT_SECRET, createTenant, PASSWORD } from '../support/tenants.ts';

describe('a restart of the provider between password and code', function () {
  let provider: ChildProvider | undefined;

  afterEach(async function () {
    await provider?.stop();
  });

  it('keeps the sign-in in progress: the emailed code still finishes it', async function () {
    this.timeout(60000);
    provider = await ChildProvider.start();
    const publicUrl = provider.baseUrl;

    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: 'jan@restart.example' }],
    });
    const rp = await relyingParty(`${publicUrl}/realms/${tenant.id}`, 'workplace', CLIENT_SECRET);
    const { inbox } = testEnvironment();
    const before = inbox.messages.length;

    const browser = new Browser();
    const pending = await startAuthorization(rp);
    const identifierPage = await browser.visit(pending.url);
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    expect(codePage.html).to.contain('name="code"');
    const code = codeFrom(await inbox.latestTo('jan@restart.example', before));

    await provider.stop();
    provider = await ChildProvider.start({ port: provider.port, publicUrl });

    const callback = await browser.submit(
      codePage,
      '/email-code',
      { code },
      { stopAt: REDIRECT_URI },
    );
    expect(callback.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));
    const tokens = await finishAuthorization(rp, callback.url, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });
});
