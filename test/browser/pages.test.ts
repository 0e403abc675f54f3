import { expect } from 'chai';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { freePort } from '../../provider/embedded/processes.ts';
import { en } from '../../provider/messages/en.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  startAuthorization,
  type RelyingParty,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import {
  checkAccessibility,
  useChromium,
  screenshot,
  untilClient,
  type TestContext,
} from './chromium.ts';

const ALL = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
const POST_LOGOUT = 'http://127.0.0.1:8080/';

async function typeIdentifierAndPassword(page: Page, username: string, password = PASSWORD) {
  await page.getByLabel(en['identifier.label']).fill(username);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#password');
  await page.getByLabel(en['password.label'], { exact: true }).fill(password);
}

async function signIn(page: Page, rp: RelyingParty, username: string) {
  const pending = await startAuthorization(rp);
  await page.goto(pending.url);
  await typeIdentifierAndPassword(page, username);
  const callback = await untilClient(page, () => page.keyboard.press('Enter'));
  return finishAuthorization(rp, callback, pending);
}

/** The page's document width: wider than the viewport means sideways scrolling. */
const documentWidth = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );

describe('the pages around a sign-in, in a real browser', function () {
  const chromium = useChromium();
  let open: TestContext;

  it('shows the expired-sign-in page when a finished sign-in is opened again', async function () {
    open = await chromium.open();
    const { page } = open;
    const tenant = await createTenant({
      users: [{ username: 'eva', email: 'eva@expiry.example' }],
    });

    const pending = await startAuthorization(tenant.rp);
    await page.goto(pending.url);
    const interaction = page.url();
    await typeIdentifierAndPassword(page, 'eva');
    await untilClient(page, () => page.keyboard.press('Enter'));

    const response = await page.goto(interaction);
    expect(response!.status()).to.equal(400);
    expect(await page.textContent('h1')).to.equal(en['error.interaction-expired.heading']);
    expect(await page.textContent('[role="alert"]')).to.contain(en['error.interaction-expired']);
    await checkAccessibility(page, 'expired sign-in');
    await screenshot(page, 'error-expired');
  });

  it('shows a plain page for a tenant that does not exist', async function () {
    open = await chromium.open();
    const { page } = open;

    const response = await page.goto(`${testEnvironment().baseUrl}/realms/no-such-tenant/auth`);
    expect(response!.status()).to.equal(404);
    expect(await page.textContent('h1')).to.equal(en['error.unknown-tenant.heading']);
    await checkAccessibility(page, 'unknown tenant');
    await screenshot(page, 'error-unknown-tenant');
  });

  it('says so when too many wrong passwords have locked the account', async function () {
    open = await chromium.open();
    const { page } = open;
    const tenant = await createTenant({ users: [{ username: 'lou', email: 'lou@lock.example' }] });

    await page.goto((await startAuthorization(tenant.rp)).url);
    await typeIdentifierAndPassword(page, 'lou', 'wrong');
    for (let attempt = 0; attempt < 10; attempt++) {
      await page.getByLabel(en['password.label'], { exact: true }).fill('wrong');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#form-error');
    }
    await page.getByLabel(en['password.label'], { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-error');
    expect(await page.textContent('#form-error')).to.contain(en['password.locked']);
    await checkAccessibility(page, 'locked');
    await screenshot(page, 'password-locked');
  });

  it('tells a user who needs a code but has no email address to contact the administrator', async function () {
    open = await chromium.open();
    const { page } = open;
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'noa' }] });

    await page.goto((await startAuthorization(tenant.rp)).url);
    await typeIdentifierAndPassword(page, 'noa');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).to.equal(en['no-email.heading']);
    await checkAccessibility(page, 'no email on record');
    await screenshot(page, 'no-email');
  });

  it('explains a failed sign-in at an identity provider that cannot be reached', async function () {
    open = await chromium.open();
    const { page } = open;
    // A loopback port with nothing listening: the upstream is down.
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const tenant = await createTenant({
      extra: {
        sso: [
          {
            domains: ['down.example'],
            issuer,
            clientId: 'idp',
            clientSecret: 'secret-1',
            name: 'Down Corp',
          },
        ],
      },
    });

    await page.goto((await startAuthorization(tenant.rp)).url);
    await checkAccessibility(page, 'identifier with SSO');
    await screenshot(page, 'identifier-sso');
    await page.getByLabel(en['identifier.label']).fill('ann@down.example');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role="alert"]');
    expect(await page.textContent('[role="alert"]')).to.contain('Down Corp');
    await checkAccessibility(page, 'identity provider failure');
    await screenshot(page, 'error-sso-unreachable');
  });

  it('asks before signing out, then sends the browser back to the application', async function () {
    open = await chromium.open();
    const { page } = open;
    const tenant = await createTenant({
      users: [{ username: 'out', email: 'out@logout.example' }],
    });
    const tokens = await signIn(page, tenant.rp, 'out');

    const logout = oidc.buildEndSessionUrl(tenant.rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT,
    });
    const response = await page.goto(logout.href);
    expect(response!.headers()['content-security-policy']).to.contain(
      `form-action 'self' ${new URL(POST_LOGOUT).origin}`,
    );
    expect(await page.textContent('h1')).to.equal(en['logout.heading']);
    await checkAccessibility(page, 'sign-out question');
    await screenshot(page, 'logout');
    const back = await untilClient(page, () =>
      page.getByRole('button', { name: en['logout.submit'] }).click(),
    );
    expect(back).to.equal(POST_LOGOUT);
  });

  it('confirms a sign-out that has nowhere to return to', async function () {
    open = await chromium.open();
    const { page } = open;
    const tenant = await createTenant({
      users: [{ username: 'end', email: 'end@logout.example' }],
    });
    await signIn(page, tenant.rp, 'end');

    await page.goto(`${tenant.issuer}/session/end`);
    await page.getByRole('button', { name: en['logout.submit'] }).click();
    await page.waitForSelector('[role="status"]');
    expect(await page.textContent('[role="status"]')).to.contain(en['logout.done']);
    await checkAccessibility(page, 'signed out');
    await screenshot(page, 'logout-done');
  });

  it('fits a 360-pixel-wide phone screen on every step of a sign-in', async function () {
    open = await chromium.open({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const { page } = open;
    const { inbox } = testEnvironment();
    const email = 'a.very.long.address.for.a.phone@phone-screen.example';
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'phone', email }] });

    const pending = await startAuthorization(tenant.rp);
    await page.goto(pending.url);
    expect(await documentWidth(page)).to.be.at.most(360);
    await screenshot(page, 'phone-identifier');
    await typeIdentifierAndPassword(page, 'phone');
    expect(await documentWidth(page)).to.be.at.most(360);
    await screenshot(page, 'phone-password');
    const before = inbox.messages.length;
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code');
    expect(await documentWidth(page)).to.be.at.most(360);
    await checkAccessibility(page, 'email code on a phone');
    await screenshot(page, 'phone-email-code');

    await page.locator('#code').fill(codeFrom(await inbox.latestTo(email, before)));
    const callback = await untilClient(page, () => page.keyboard.press('Enter'));
    expect(callback.startsWith(REDIRECT_URI)).to.equal(true);
  });
});
