import { expect } from 'chai';
import { LOCALE_COOKIE } from '../../provider/i18n.ts';
import { en } from '../../provider/messages/en.ts';
import { nl } from '../../provider/messages/nl.ts';
import { Browser, textOf, type Page } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { REDIRECT_URI, signInFully, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const ALL = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
const languageOf = (page: Page) => /<html lang="([a-z]+)"/.exec(page.html)?.[1];

describe('the language of the pages', function () {
  it("follows the client's ui_locales over the tenant's language", async function () {
    const tenant = await createTenant();
    const pending = await startAuthorization(tenant.rp, { ui_locales: 'nl-BE en' });
    const page = await new Browser().visit(pending.url, { stopAt: REDIRECT_URI });
    expect(languageOf(page)).to.equal('nl');
    expect(textOf(page.html)).to.contain(nl['identifier.label']);
  });

  it("skips languages it does not have and falls back to the tenant's", async function () {
    const tenant = await createTenant({ extra: { locale: 'nl' } });
    const pending = await startAuthorization(tenant.rp, { ui_locales: 'fr de' });
    const page = await new Browser({ 'accept-language': 'en-GB,en;q=0.9' }).visit(pending.url);
    expect(languageOf(page), "the tenant's language comes before the browser's").to.equal('nl');
  });

  it('follows the browser where no tenant is known', async function () {
    const url = `${testEnvironment().baseUrl}/realms/no-such-tenant/auth`;
    const page = await new Browser({ 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.5' }).visit(url);
    expect(page.status).to.equal(404);
    expect(languageOf(page)).to.equal('nl');
    expect(textOf(page.html)).to.contain(nl['error.unknown-tenant']);
  });

  it('lets the switch on the page win over ui_locales, and remembers it for that tenant', async function () {
    const tenant = await createTenant();
    const browser = new Browser();
    const pending = await startAuthorization(tenant.rp, { ui_locales: 'en' });
    const first = await browser.visit(pending.url);
    expect(languageOf(first)).to.equal('en');
    expect(first.html).to.contain('?lang=nl"');

    const switched = await browser.visit(`${first.url}?lang=nl`);
    expect(languageOf(switched)).to.equal('nl');
    const cookies = await browser.jar.getCookies(first.url);
    expect(cookies.find((c) => c.key === LOCALE_COOKIE)?.value).to.equal('nl');

    const again = await browser.visit(first.url);
    expect(languageOf(again), 'the choice holds without the link').to.equal('nl');
    const elsewhere = await browser.jar.getCookies(`${testEnvironment().baseUrl}/realms/other/`);
    expect(elsewhere.map((c) => c.key)).to.not.include(LOCALE_COOKIE);
  });

  it('ignores a language it does not have in the switch', async function () {
    const tenant = await createTenant();
    const browser = new Browser();
    const first = await browser.visit((await startAuthorization(tenant.rp)).url);
    const page = await browser.visit(`${first.url}?lang=xx`);
    expect(languageOf(page)).to.equal('en');
    expect((await browser.jar.getCookies(first.url)).map((c) => c.key)).to.not.include(
      LOCALE_COOKIE,
    );
  });

  it("speaks the account's own language once the password is verified, and not before", async function () {
    const tenant = await createTenant({
      twoFactor: ALL,
      users: [{ username: 'lena', email: 'lena@own-language.example', locale: 'nl' }],
    });
    const browser = new Browser();
    const identifier = await browser.visit((await startAuthorization(tenant.rp)).url);
    const password = await browser.submit(identifier, '/identifier', { identifier: 'lena' });
    expect(languageOf(password), 'the username alone reveals nothing').to.equal('en');
    expect(textOf(password.html)).to.contain(en['password.heading']);

    const code = await browser.submit(password, '/password', { password: PASSWORD });
    expect(languageOf(code)).to.equal('nl');
    expect(textOf(code.html)).to.contain(nl['email-code.heading']);
  });

  it("switches the provider's own pages too: the sign-out question keeps its parameters", async function () {
    const tenant = await createTenant({ users: [{ username: 'bo', email: 'bo@logout.example' }] });
    const { browser } = await signInFully(tenant.rp, testEnvironment().inbox, {
      username: 'bo',
      password: PASSWORD,
    });
    const question = await browser.visit(`${tenant.issuer}/session/end?state=kept`);
    expect(languageOf(question)).to.equal('en');
    expect(question.html).to.contain('/session/end?state=kept&amp;lang=nl');

    const dutch = await browser.visit(`${tenant.issuer}/session/end?state=kept&lang=nl`);
    expect(languageOf(dutch)).to.equal('nl');
    expect(textOf(dutch.html)).to.contain(nl['logout.submit']);
  });
});
