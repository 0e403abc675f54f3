import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf, type Page } from '../support/browser.ts';
import {
  auditEventsOf,
  formOn,
  postRaw,
  rawForm,
  reachCodePage,
  RecordingBrowser,
  steadyClock,
  wrongCodeFor,
} from '../support/attacker.ts';
import { REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const says = (pages: Page[], text: string) =>
  pages.filter((page) => textOf(page.html).includes(text)).length;

/**
 * The guessing budgets (ten wrong passwords per account per quarter hour, ten wrong codes per
 * account per hour) against bursts of parallel requests: each request takes its point before the
 * comparison, so a burst gets no more comparisons than the budget.
 */
describe('security: guessing budgets under parallel bursts', function () {
  beforeEach(function () {
    steadyClock();
  });

  // Catches: the budget checked before and counted after the comparison, which every request of
  // a burst passes before any of them has counted.
  it('compares at most ten of thirty parallel wrong passwords, and then refuses the right one', async function () {
    const tenant = await createTenant({ users: [{ username: 'jan', email: 'jan@burst.example' }] });
    const browser = new Browser();
    const pending = await startAuthorization(tenant.rp);
    const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    const { url, hidden } = formOn(passwordPage, '/password');
    const post = (password: string) =>
      postRaw(
        browser,
        url,
        rawForm([
          ['csrf', hidden.csrf!],
          ['password', password],
        ]),
      );

    const pages = await Promise.all(Array.from({ length: 30 }, (_, i) => post(`wrong-${i}`)));
    const compared = says(pages, en['password.invalid']);
    expect(compared, 'wrong passwords compared').to.be.at.most(10);
    expect(compared + says(pages, en['password.locked'])).to.equal(30);
    const failed = (await auditEventsOf(tenant.id)).filter((e) => e.type === 'password.failed');
    expect(failed.length).to.equal(compared);

    const right = await post(PASSWORD);
    expect(right.url).not.to.contain(REDIRECT_URI);
    expect(textOf(right.html)).to.contain(en['password.locked']);
  });

  // Catches: the same check-then-count order on the account's wrong-code budget, which a burst
  // spread over several sign-ins (each with its own five tries) would pass.
  it('compares at most ten of twenty parallel wrong codes over four sign-ins of one account', async function () {
    const email = 'piet@burst.example';
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'piet', email }],
    });
    const signIns = [];
    for (let i = 0; i < 4; i++) {
      const browser = new RecordingBrowser();
      signIns.push({ browser, ...(await reachCodePage(tenant.rp, 'piet', email, { browser })) });
    }

    const pages = await Promise.all(
      signIns.flatMap(({ browser, signIn, code }) => {
        const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
        return Array.from({ length: 5 }, (_, i) =>
          postRaw(
            browser,
            url,
            rawForm([
              ['csrf', hidden.csrf!],
              ['code', wrongCodeFor(code, i + 1)],
            ]),
          ),
        );
      }),
    );
    const compared = says(pages, en['email-code.invalid']) + says(pages, en['email-code.too-many']);
    expect(compared, 'wrong codes compared').to.be.at.most(10);
    expect(says(pages, en['email-code.locked'])).to.equal(20 - compared);

    for (const { browser } of signIns) expect(browser.codesHandedOut()).to.deep.equal([]);
  });
});
