import { expect } from 'chai';
import { findLocalUser, findUser } from '../../adapters/users.ts';
import { Browser, textOf, type Page } from '../support/browser.ts';
import {
  expectNoCodeHandedOut,
  formOn,
  postRaw,
  rawForm,
  RecordingBrowser,
} from '../support/attacker.ts';
import { REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const JAN = 'jan@injection.example';
const PIET = 'piet@injection.example';

/** Query operators a MongoDB-backed login might pass straight into a filter. */
const operators: Array<Record<string, unknown>> = [
  { $ne: 'x' },
  { $gt: '' },
  { $regex: '.*' },
  { $where: 'true' },
  { $exists: true },
  { $in: ['jan', 'piet'] },
];

/** What a lookup returned, or null when it refused the input by throwing (either is safe). */
async function foundOrNull(lookup: () => Promise<unknown>): Promise<unknown> {
  try {
    return await lookup();
  } catch {
    return null;
  }
}

function expectHandled(page: Page, what: string) {
  expect(page.status, what).to.be.below(500);
  expect(textOf(page.html), what).not.to.contain('briefly unavailable');
}

describe('security: query operators in sign-in input', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    // piet needs no code: an injected password that matched would sign him in at once.
    tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: JAN, groups: ['2FA'] },
        { username: 'piet', email: PIET },
      ],
    });
  });

  async function identifierStep(browser: Browser) {
    const pending = await startAuthorization(tenant.rp);
    const page = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    return { page, form: formOn(page, '/identifier') };
  }

  async function passwordStep(browser: Browser, identifier: string) {
    const { page } = await identifierStep(browser);
    const passwordPage = await browser.submit(page, '/identifier', { identifier });
    return { page: passwordPage, form: formOn(passwordPage, '/password') };
  }

  // Catches: an identifier object (`identifier[$ne]=x`) passed into the user lookup.
  it('finds no account for identifier[$ne], identifier[$regex] or identifier[$gt], and shows a page', async function () {
    for (const field of [
      'identifier[$ne]',
      'identifier[$regex]',
      'identifier[$gt]',
      'identifier[]',
    ]) {
      const browser = new RecordingBrowser();
      const { form } = await identifierStep(browser);
      const value = field.endsWith('[$regex]') ? '.*' : field.endsWith('[$ne]') ? 'x' : '';
      const page = await postRaw(
        browser,
        form.url,
        rawForm([
          ['csrf', form.hidden.csrf!],
          [field, value],
        ]),
      );
      expectHandled(page, field);
      // The identifier page again, asking for an identifier: nothing was recorded.
      expect(page.html, field).to.contain('name="identifier"');
      expectNoCodeHandedOut(browser, field);
    }
  });

  // Catches: a password object (`password[$gt]=`) that a filter or comparison treats as matching.
  it('signs nobody in with password[$gt], password[$ne] or password[$regex]', async function () {
    for (const field of ['password[$gt]', 'password[$ne]', 'password[$regex]', 'password[]']) {
      const browser = new RecordingBrowser();
      const { form } = await passwordStep(browser, 'piet');
      const value = field.endsWith('[$regex]') ? '.*' : field.endsWith('[$ne]') ? 'x' : '';
      const response = await browser.request(form.url, {
        body: rawForm([
          ['csrf', form.hidden.csrf!],
          [field, value],
        ]),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status, field).to.equal(200);
      expect(textOf(await response.text()), field).to.contain(
        'The username or password is incorrect.',
      );
      expectNoCodeHandedOut(browser, field);
    }
  });

  // Catches: a JSON body parsed into objects, so `{"password": {"$ne": ""}}` reaches a query.
  it('never signs in or fails with a 500 for JSON bodies carrying $ne, $gt, $regex or $where in any field', async function () {
    const browser = new RecordingBrowser();
    const { form, page } = await passwordStep(browser, 'piet');
    const base = form.url.replace(/\/password$/, '');
    for (const operator of operators) {
      for (const suffix of ['/identifier', '/password', '/email-code', '/restart']) {
        const body = {
          csrf: operator,
          identifier: operator,
          password: operator,
          code: operator,
          username: operator,
        };
        const answer = await postRaw(
          browser,
          `${base}${suffix}`,
          JSON.stringify(body),
          'application/json',
        );
        expectHandled(answer, `${suffix} ${JSON.stringify(operator)}`);
        expect(answer.status).to.be.within(400, 499);
      }
    }
    // Still on the password step of piet, still needing his password.
    const reloaded = await browser.visit(page.url, { stopAt: REDIRECT_URI });
    expect(reloaded.html).to.contain('name="password"');
    expectNoCodeHandedOut(browser);
  });

  // Catches: an object-valued csrf token (`csrf[$ne]=`) compared loosely and accepted.
  it('refuses an object-valued or array-valued form token with a 4xx page', async function () {
    const browser = new RecordingBrowser();
    const { form } = await passwordStep(browser, 'piet');
    for (const [field, value] of [
      ['csrf[$ne]', 'x'],
      ['csrf[]', form.hidden.csrf!],
      ['csrf[length]', '43'],
    ] as Array<[string, string]>) {
      const page = await postRaw(
        browser,
        form.url,
        rawForm([
          [field, value],
          ['password', PASSWORD],
        ]),
      );
      expect(page.status, field).to.be.within(400, 499);
      expectHandled(page, field);
    }
    expectNoCodeHandedOut(browser);
  });

  // Catches: prototype keys in a form (`__proto__[x]`) that reach objects the steps read.
  it('shrugs off __proto__ and constructor keys in a form', async function () {
    const browser = new RecordingBrowser();
    const { form } = await passwordStep(browser, 'piet');
    const page = await postRaw(
      browser,
      form.url,
      rawForm([
        ['csrf', form.hidden.csrf!],
        ['__proto__[password]', PASSWORD],
        ['constructor[prototype][password]', PASSWORD],
        ['__proto__[amr]', 'pwd'],
      ]),
    );
    expectHandled(page, '__proto__');
    expect(textOf(page.html)).to.contain('The username or password is incorrect.');
    expect(({} as Record<string, unknown>).password).to.equal(undefined);
    expectNoCodeHandedOut(browser);
  });

  // Catches: a store that builds filters from unchecked input (mongoose's sanitizeFilter turned off).
  it('looks up no user for operator objects given to the user store directly', async function () {
    for (const operator of operators) {
      const what = JSON.stringify(operator);
      expect(await foundOrNull(() => findLocalUser(tenant.id, operator as never)), what).to.equal(
        null,
      );
      expect(await foundOrNull(() => findUser(tenant.id, operator as never)), what).to.equal(null);
      expect(await foundOrNull(() => findUser(operator as never, 'jan')), what).to.equal(null);
    }
  });
});
