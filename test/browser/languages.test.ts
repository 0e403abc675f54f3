import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { LOCALE_COOKIE } from '../../provider/i18n.ts';
import { en } from '../../provider/messages/en.ts';
import { nl } from '../../provider/messages/nl.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import { finishAuthorization, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import {
  checkAccessibility,
  useChromium,
  screenshot,
  untilClient,
  type TestContext,
} from './chromium.ts';

const ALL = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };

const heading = (page: Page) => page.textContent('h1');
const pageLanguage = (page: Page) => page.getAttribute('html', 'lang');

describe('the sign-in pages in Dutch, in a real browser', function () {
  const chromium = useChromium();
  let open: TestContext;

  beforeEach(async function () {
    open = await chromium.open();
  });

  it('shows a Dutch tenant every step and the code email in Dutch', async function () {
    const { inbox } = testEnvironment();
    const email = 'joke@nederlands.example';
    const tenant = await createTenant({
      twoFactor: ALL,
      users: [{ username: 'joke', email }],
      extra: { locale: 'nl' },
    });
    const { page } = open;

    const pending = await startAuthorization(tenant.rp);
    await page.goto(pending.url);
    expect(await pageLanguage(page)).to.equal('nl');
    expect(await heading(page)).to.equal(nl['identifier.heading']);
    await checkAccessibility(page, 'Dutch identifier');
    await screenshot(page, 'nl-identifier');

    await page.getByLabel(nl['identifier.label']).fill('joke');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#password');
    expect(await heading(page)).to.equal(nl['password.heading']);
    await screenshot(page, 'nl-password');
    const before = inbox.messages.length;
    await page.getByLabel(nl['password.label'], { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code');
    expect(await heading(page)).to.equal(nl['email-code.heading']);
    await checkAccessibility(page, 'Dutch email code');
    await screenshot(page, 'nl-email-code');

    const mail = await inbox.latestTo(email, before);
    expect(mail.subject).to.match(/^Uw aanmeldcode voor /);
    expect(mail.text).to.contain('Was u dit niet?');
    expect(mail.html).to.contain('lang="nl"');
    await page.getByLabel(nl['email-code.label']).fill(codeFrom(mail));
    const callback = await untilClient(page, () => page.keyboard.press('Enter'));
    await finishAuthorization(tenant.rp, callback, pending);
  });

  it('switches language with the link on the page, for that tenant only, and mails in it', async function () {
    const { inbox } = testEnvironment();
    const email = 'tom@switch.example';
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'tom', email }] });
    const other = await createTenant();
    const { page, context } = open;

    await page.goto((await startAuthorization(tenant.rp)).url);
    expect(await heading(page)).to.equal(en['identifier.heading']);
    const dutch = page.getByRole('link', { name: 'Nederlands' });
    expect(await dutch.getAttribute('hreflang')).to.equal('nl');
    expect(await page.getByRole('link', { name: 'English' }).getAttribute('aria-current')).to.equal(
      'true',
    );
    await dutch.click();
    await page.waitForURL(/[?&]lang=nl/);
    expect(await pageLanguage(page)).to.equal('nl');
    expect(await heading(page)).to.equal(nl['identifier.heading']);

    const cookie = (await context.cookies()).find((c) => c.name === LOCALE_COOKIE);
    expect(cookie?.value).to.equal('nl');
    expect(cookie?.path).to.equal(`/realms/${tenant.id}`);
    expect(cookie?.httpOnly).to.equal(true);

    // The choice carries through the posts that follow, and into the email.
    await page.getByLabel(nl['identifier.label']).fill('tom');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#password');
    expect(await heading(page)).to.equal(nl['password.heading']);
    const before = inbox.messages.length;
    await page.getByLabel(nl['password.label'], { exact: true }).fill('wrong');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-error');
    expect(await page.textContent('#form-error')).to.contain(nl['password.invalid']);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForSelector('#password');
    expect(await heading(page), 'a page answering a post links to its own address').to.equal(
      en['password.heading'],
    );
    await page.getByRole('link', { name: 'Nederlands' }).click();
    await page.waitForSelector('#password');
    await page.getByLabel(nl['password.label'], { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code');
    expect(await heading(page)).to.equal(nl['email-code.heading']);
    expect((await inbox.latestTo(email, before)).subject).to.match(/^Uw aanmeldcode/);

    await page.goto((await startAuthorization(other.rp)).url);
    expect(await heading(page), 'another tenant keeps its own language').to.equal(
      en['identifier.heading'],
    );
  });
});
