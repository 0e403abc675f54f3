import { expect } from 'chai';
import { freezeClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { textOf, type Page } from '../support/browser.ts';
import {
  expectNoCodeHandedOut,
  formOn,
  postRaw,
  rawForm,
  reachCodePage,
  RecordingBrowser,
} from '../support/attacker.ts';
import { REDIRECT_URI, submitCode } from '../support/relying-party.ts';
import { createTenant } from '../support/tenants.ts';

const EMAIL = 'jan@malformed.example';

/** How an attacker can send "the code" besides six digits; `fields` come after the csrf token. */
const malformed: Array<{ name: string; fields: Array<[string, string]> }> = [
  { name: 'an empty code', fields: [['code', '']] },
  { name: 'only spaces', fields: [['code', '      ']] },
  { name: 'five digits', fields: [['code', '12345']] },
  { name: 'seven digits', fields: [['code', '1234567']] },
  { name: 'letters', fields: [['code', 'abcdef']] },
  {
    name: 'an array (code[]=1&code[]=2)',
    fields: [
      ['code[]', '1'],
      ['code[]', '2'],
    ],
  },
  { name: 'an object (code[$ne]=x)', fields: [['code[$ne]', 'x']] },
  { name: 'no code field at all', fields: [] },
  {
    name: 'the field twice (code=…&code=…)',
    fields: [
      ['code', '111111'],
      ['code', '222222'],
    ],
  },
  { name: 'a very long string', fields: [['code', '1'.repeat(5000)]] },
];

function expectRefusedPage(page: Page, message: string) {
  expect(page.status).to.be.below(500);
  expect(page.status).to.equal(200);
  expect(page.url).not.to.contain(REDIRECT_URI);
  expect(textOf(page.html)).to.contain(message);
}

describe('security: malformed email codes', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: EMAIL }],
    });
  });

  for (const { name, fields } of malformed) {
    // Catches: malformed input rejected before the try counter (free guesses) or crashing (500).
    it(`answers ${name} with the generic "not correct" page, and five of them use up the code`, async function () {
      const browser = new RecordingBrowser();
      const { signIn, code } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
      const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
      const body = rawForm([['csrf', hidden.csrf!], ...fields]);

      for (let attempt = 1; attempt <= 4; attempt++) {
        expectRefusedPage(await postRaw(browser, url, body), en['email-code.invalid']);
      }
      expectRefusedPage(await postRaw(browser, url, body), en['email-code.too-many']);

      expectRefusedPage(await submitCode(signIn, code), en['email-code.too-many']);
      expectNoCodeHandedOut(browser);
    });
  }

  // Catches: a page that tells a malformed guess apart from a well-formed wrong one.
  it('shows a malformed code exactly the page a well-formed wrong code gets', async function () {
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    // Both pages show the resend countdown; a second ticking between them is not a difference.
    freezeClock();
    const wellFormed = await postRaw(
      browser,
      url,
      rawForm([
        ['csrf', hidden.csrf!],
        ['code', wrong],
      ]),
    );
    const asObject = await postRaw(
      browser,
      url,
      rawForm([
        ['csrf', hidden.csrf!],
        ['code[$ne]', 'x'],
      ]),
    );
    expect(asObject.status).to.equal(wellFormed.status);
    expect(textOf(asObject.html)).to.equal(textOf(wellFormed.html));
  });
});
