import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { advanceClock } from '../../provider/clock.ts';
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
import { createSsoTenant, startUpstream } from '../support/upstream.ts';
import {
  checkAccessibility,
  useChromium,
  screenshot,
  untilClient,
  type TestContext,
} from './chromium.ts';

const ALL = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
const SECOND = 1000;

/** The client's authorization request, opened in the page; returns what finishing needs. */
async function openSignIn(page: Page, rp: RelyingParty, params?: Record<string, string>) {
  const pending = await startAuthorization(rp, params);
  const response = await page.goto(pending.url);
  return { pending, response: response! };
}

const activeId = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { id: string } } }).document
        .activeElement.id,
  );

/** The focused element draws an outline of at least 2px: focus is visible, not just present. */
async function expectVisibleFocus(page: Page) {
  const outline = await page.evaluate(() => {
    const scope = globalThis as unknown as {
      document: { activeElement: unknown };
      getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string };
    };
    const style = scope.getComputedStyle(scope.document.activeElement);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  expect(outline.style).to.not.equal('none');
  expect(outline.width).to.be.at.least(2);
}

describe('signing in with a real browser', function () {
  const chromium = useChromium();
  let open: TestContext;

  beforeEach(async function () {
    open = await chromium.open();
  });

  it('finishes a password and email-code sign-in with the strict CSP on, the tag on the page matching the email', async function () {
    const { inbox } = testEnvironment();
    const email = 'jan@browser-flow.example';
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'jan', email }] });
    const { page } = open;

    const { pending, response } = await openSignIn(page, tenant.rp);
    const csp = response.headers()['content-security-policy']!;
    expect(csp).to.contain("script-src 'self'").and.contain("style-src 'self'");
    expect(csp).to.not.contain('unsafe-inline');
    expect(csp).to.contain(`form-action 'self' ${new URL(REDIRECT_URI).origin};`);
    expect(await page.textContent('h1')).to.equal(en['identifier.heading']);
    expect(await page.title()).to.equal(
      `${en['identifier.heading']} – ${tenant.file.tenants[0]!.name}`,
    );
    expect(await page.textContent('main')).to.contain('to continue to Workplace');
    await checkAccessibility(page, 'identifier');
    await screenshot(page, 'identifier');

    await page.getByLabel(en['identifier.label']).fill('jan');
    await page.getByRole('button', { name: en['identifier.submit'] }).click();
    await page.waitForSelector('#password');
    await page.getByLabel(en['password.label'], { exact: true }).fill('not the password');
    await page.getByRole('button', { name: en['password.submit'] }).click();
    await page.waitForSelector('#form-error');
    expect(await page.textContent('[role="alert"]')).to.contain(en['password.invalid']);
    expect(await page.getAttribute('#password', 'aria-invalid')).to.equal('true');
    expect(await page.getAttribute('#password', 'aria-describedby')).to.equal('form-error');
    expect(await page.title()).to.match(/^Error: /);
    await checkAccessibility(page, 'password with an error');
    await screenshot(page, 'password-error');

    const before = inbox.messages.length;
    await page.getByLabel(en['password.label'], { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: en['password.submit'] }).click();
    await page.waitForSelector('#code');
    const mail = await inbox.latestTo(email, before);
    const tagOnPage = await page.textContent('.tag');
    expect(tagOnPage).to.match(/^[A-Z]{2}[0-9]$/);
    expect(mail.text).to.contain(`marked ${tagOnPage};`);
    expect(mail.subject).to.contain(`(${tagOnPage})`);
    expect(await page.textContent('main')).to.contain('j***@br***.example');
    const code = page.locator('#code');
    expect(await code.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(await code.getAttribute('inputmode')).to.equal('numeric');
    await checkAccessibility(page, 'email code');
    await screenshot(page, 'email-code');

    await code.fill('000000');
    await page.getByRole('button', { name: en['email-code.submit'] }).click();
    await page.waitForSelector('#form-error');
    expect(await code.getAttribute('aria-invalid')).to.equal('true');
    expect(await code.getAttribute('aria-describedby')).to.equal('code-hint form-error');
    await checkAccessibility(page, 'email code with an error');
    await screenshot(page, 'email-code-error');

    await page.locator('#code').fill(codeFrom(mail));
    const callback = await untilClient(page, () =>
      page.getByRole('button', { name: en['email-code.submit'] }).click(),
    );
    const tokens = await finishAuthorization(tenant.rp, callback, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('lets a Partner account in after the password alone, with no code page', async function () {
    const tenant = await createTenant({
      twoFactor: ALL,
      users: [{ username: 'pat', email: 'pat@partner.example', type: 'partner' }],
    });
    const { page } = open;

    const { pending } = await openSignIn(page, tenant.rp);
    await page.getByLabel(en['identifier.label']).fill('pat');
    await page.getByRole('button', { name: en['identifier.submit'] }).click();
    await page.getByLabel(en['password.label'], { exact: true }).fill(PASSWORD);
    const callback = await untilClient(page, () =>
      page.getByRole('button', { name: en['password.submit'] }).click(),
    );
    const tokens = await finishAuthorization(tenant.rp, callback, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
  });

  it('completes the identifier and password steps with the keyboard alone, focus always visible', async function () {
    const tenant = await createTenant({ users: [{ username: 'kim', email: 'kim@keys.example' }] });
    const { page } = open;

    const { pending } = await openSignIn(page, tenant.rp);
    expect(await activeId(page), 'the field has focus when the page opens').to.equal('identifier');
    await page.keyboard.type('kim');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#password');
    expect(await activeId(page)).to.equal('password');
    await page.keyboard.type(PASSWORD);

    await page.keyboard.press('Tab');
    expect(await activeId(page), '"Show password" comes next').to.equal('reveal-password');
    await expectVisibleFocus(page);
    await page.keyboard.press('Space');
    expect(await page.getAttribute('#password', 'type')).to.equal('text');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await expectVisibleFocus(page);
    expect(
      await page.evaluate(() => {
        const scope = globalThis as unknown as {
          document: { activeElement: { textContent: string } };
        };
        return scope.document.activeElement.textContent;
      }),
    ).to.equal(en['password.submit']);
    await screenshot(page, 'password-keyboard-focus');
    const callback = await untilClient(page, () => page.keyboard.press('Enter'));
    const tokens = await finishAuthorization(tenant.rp, callback, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
  });

  it('takes a pasted code with spaces and counts down to the resend button', async function () {
    const { inbox } = testEnvironment();
    const email = 'ria@paste.example';
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'ria', email }] });
    const { page, context } = open;
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // The page's timers run on a clock the test moves, as the product's clock is moved below.
    await page.clock.install();

    const { pending } = await openSignIn(page, tenant.rp);
    await page.getByLabel(en['identifier.label']).fill('ria');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#password');
    const before = inbox.messages.length;
    await page.getByLabel(en['password.label'], { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code');
    const first = await inbox.latestTo(email, before);

    const resend = page.locator('button[data-wait]');
    expect(await resend.isDisabled()).to.equal(true);
    expect(await resend.textContent()).to.equal(
      en['email-code.resend-wait'].replace('{seconds}', '30'),
    );
    await page.clock.runFor(10 * SECOND);
    expect(await resend.textContent()).to.equal(
      en['email-code.resend-wait'].replace('{seconds}', '20'),
    );
    await screenshot(page, 'email-code-countdown');
    await page.clock.runFor(21 * SECOND);
    expect(await resend.isDisabled()).to.equal(false);
    expect(await resend.textContent()).to.equal(en['email-code.resend']);
    expect(await page.textContent('[data-resend-status]')).to.equal(en['email-code.resend-ready']);

    advanceClock(31 * SECOND);
    const sent = inbox.messages.length;
    await resend.click();
    await page.waitForSelector('.notice');
    expect(await page.textContent('.notice')).to.contain(en['email-code.resent']);
    const second = await inbox.latestTo(email, sent);
    expect(codeFrom(second)).to.not.equal(codeFrom(first));

    // A real paste (Ctrl+V) of the code as someone might copy it, spaces and all.
    const spaced = `${codeFrom(second).slice(0, 3)} ${codeFrom(second).slice(3)} `;
    await page.evaluate(
      (text) =>
        (
          globalThis as unknown as {
            navigator: { clipboard: { writeText(text: string): Promise<void> } };
          }
        ).navigator.clipboard.writeText(text),
      ` ${spaced}`,
    );
    await page.locator('#code').focus();
    await page.keyboard.press('ControlOrMeta+V');
    expect(await page.inputValue('#code')).to.equal(codeFrom(second));
    const callback = await untilClient(page, () => page.keyboard.press('Enter'));
    const tokens = await finishAuthorization(tenant.rp, callback, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('accepts a code typed with a space in the middle', async function () {
    const { inbox } = testEnvironment();
    const email = 'sam@typed.example';
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'sam', email }] });
    const { page } = open;

    const { pending } = await openSignIn(page, tenant.rp);
    await page.getByLabel(en['identifier.label']).fill('sam');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#password');
    const before = inbox.messages.length;
    await page.getByLabel(en['password.label'], { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code');
    const code = codeFrom(await inbox.latestTo(email, before));

    await page.locator('#code').fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    const callback = await untilClient(page, () => page.keyboard.press('Enter'));
    await finishAuthorization(tenant.rp, callback, pending);
  });

  it('sends a person of the SSO domain to their identity provider and back, each hop allowed by the CSP', async function () {
    const upstream = await startUpstream();
    try {
      const tenant = await createSsoTenant(upstream);
      upstream.addUser({ sub: 'anna-1', email: 'anna@acme.example', name: 'Anna' });
      const { page } = open;

      const { pending, response } = await openSignIn(page, tenant.rp);
      expect(response.headers()['content-security-policy']).to.contain(
        `form-action 'self' ${new URL(REDIRECT_URI).origin} ${new URL(upstream.issuer).origin};`,
      );
      await page.getByLabel(en['identifier.label']).fill('anna@acme.example');
      const callback = await untilClient(page, () => page.keyboard.press('Enter'));
      const tokens = await finishAuthorization(tenant.rp, callback, pending);
      expect(tokens.claims()!.amr).to.include('fed');
    } finally {
      await upstream.stop();
    }
  });
});
