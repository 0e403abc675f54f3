import { expect } from 'chai';
import { Browser, textOf } from '../support/browser.ts';
import { callbackError, REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import { PASSWORD } from '../support/tenants.ts';
import {
  createSsoTenant,
  signInThroughUpstream,
  startUpstream,
  type TestUpstream,
} from '../support/upstream.ts';

describe('home-realm discovery on the identifier page', function () {
  let upstream: TestUpstream;
  let tenant: Awaited<ReturnType<typeof createSsoTenant>>;

  before(async function () {
    upstream = await startUpstream();
    upstream.addUser({ sub: 'carol-0003', email: 'carol@acme.example' });
    tenant = await createSsoTenant(upstream, {
      users: [
        { username: 'jan', email: 'jan@supplier.example', type: 'standard' },
        // A local account left over from before the customer had SSO.
        { username: 'carol', email: 'carol@acme.example', type: 'standard' },
      ],
    });
  });

  after(() => upstream.stop());

  const isPasswordPage = (html: string) => textOf(html).includes('Enter your password');

  it('shows the password page for an address outside the SSO domain', async function () {
    const sent = upstream.authorizationRequests.length;
    const { page } = await signInThroughUpstream(tenant.rp, 'jan@supplier.example');
    expect(isPasswordPage(page.html)).to.equal(true);
    expect(upstream.authorizationRequests.length).to.equal(sent);
  });

  it('matches whole domains only: a subdomain or a look-alike is not the SSO domain', async function () {
    for (const address of ['x@sub.acme.example', 'x@notacme.example', 'x@acme.example.org']) {
      const { page } = await signInThroughUpstream(tenant.rp, address);
      expect(isPasswordPage(page.html), address).to.equal(true);
    }
  });

  it('sends an address of the SSO domain to the identity provider, whatever its case', async function () {
    const sent = upstream.authorizationRequests.length;
    const { page } = await signInThroughUpstream(tenant.rp, 'Carol@ACME.example');
    expect(page.url).to.match(new RegExp(`^${REDIRECT_URI}`));
    expect(upstream.authorizationRequests.length).to.equal(sent + 1);
  });

  it('refuses the password of a local account of the SSO domain like a wrong one', async function () {
    const browser = new Browser();
    const { page } = await signInThroughUpstream(tenant.rp, 'carol', { browser });
    expect(isPasswordPage(page.html)).to.equal(true);

    const after = await browser.submit(
      page,
      '/password',
      { password: PASSWORD },
      {
        stopAt: REDIRECT_URI,
      },
    );
    expect(after.url).not.to.match(new RegExp(`^${REDIRECT_URI}`));
    expect(textOf(after.html)).to.contain('The username or password is incorrect.');
    expect(textOf(after.html)).to.contain('sign in through your organisation');

    const silent = await startAuthorization(tenant.rp, { prompt: 'none' });
    const answer = await browser.visit(silent.url, { stopAt: REDIRECT_URI });
    expect(callbackError(answer.url)).to.equal('login_required');
  });
});
