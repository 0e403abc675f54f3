import { expect } from 'chai';
import type { AuditType } from '../../adapters/audit-events.ts';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf, type Page } from '../support/browser.ts';
import type { ChildProvider } from '../support/child-provider.ts';
import {
  accountIdOf,
  auditEventsOf,
  expectCallbackWithCode,
  reachCodePage,
  RecordingBrowser,
  relyingPartyAt,
  startProxiedProvider,
  steadyClock,
  wrongCodeFor,
} from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import {
  REDIRECT_URI,
  startAuthorization,
  submitCode,
  type RelyingParty,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const JAN = 'jan@throttle.example';
const ELS = 'els@throttle.example';
const PIET = 'piet@throttle.example';
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36';

/** One password attempt in a fresh sign-in; the page after it (not followed past the client). */
async function tryPassword(
  rp: RelyingParty,
  identifier: string,
  password: string,
  browser = new Browser(),
): Promise<Page> {
  const pending = await startAuthorization(rp);
  const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
  const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier });
  return browser.submit(passwordPage, '/password', { password }, { stopAt: REDIRECT_URI });
}

/** Several wrong passwords in one sign-in, as a person retrying would. */
async function wrongPasswords(rp: RelyingParty, identifier: string, times: number, headers = {}) {
  const browser = new Browser(headers);
  const pending = await startAuthorization(rp);
  const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
  let page = await browser.submit(identifierPage, '/identifier', { identifier });
  for (let i = 0; i < times; i++) {
    page = await browser.submit(page, '/password', { password: `wrong-${identifier}-${i}` });
    expect(textOf(page.html)).to.contain(en['password.invalid']);
  }
}

function expectLocked(page: Page) {
  expect(page.url).not.to.contain(REDIRECT_URI);
  expect(page.status).to.equal(200);
  expect(textOf(page.html)).to.contain(en['password.locked']);
}

describe('security: password guessing and the audit trail', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeEach(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: JAN, groups: ['2FA'] },
        { username: 'els', email: ELS, groups: ['2FA'] },
        { username: 'piet', email: PIET },
      ],
    });
  });

  // Catches: a budget keyed by what was typed, so alternating username and email doubles the guesses.
  it('locks an account after ten wrong passwords split over its username and its email, and refuses even the right one', async function () {
    steadyClock();
    const { inbox } = testEnvironment();
    await wrongPasswords(tenant.rp, 'jan', 5);
    await wrongPasswords(tenant.rp, 'JAN@Throttle.EXAMPLE', 5);
    const sent = inbox.countTo(JAN);
    expectLocked(await tryPassword(tenant.rp, 'jan', PASSWORD));
    expectLocked(await tryPassword(tenant.rp, JAN, PASSWORD));
    expect(inbox.countTo(JAN), 'no code for a locked account').to.equal(sent);

    // Another user, from the same address, is not affected.
    const els = await reachCodePage(tenant.rp, 'els', ELS);
    expectCallbackWithCode(await submitCode(els.signIn, els.code));
  });

  // Catches: a lock-out only for existing accounts, which tells an attacker which names exist.
  it('locks an unknown username the same way after ten wrong passwords', async function () {
    steadyClock();
    await wrongPasswords(tenant.rp, 'ghost', 10);
    const ghost = await tryPassword(tenant.rp, 'ghost', PASSWORD);
    expectLocked(ghost);
    await wrongPasswords(tenant.rp, 'piet', 10);
    const piet = await tryPassword(tenant.rp, 'piet', PASSWORD);
    expectLocked(piet);
    expect(textOf(ghost.html).replace('ghost', 'piet')).to.equal(textOf(piet.html));
  });

  describe('behind a proxy the operator configured (TRUST_PROXY=true)', function () {
    let child: ChildProvider;
    let rp: RelyingParty;

    before(async function () {
      this.timeout(60000);
      child = await startProxiedProvider();
    });

    after(async function () {
      await child?.stop();
    });

    beforeEach(async function () {
      rp = await relyingPartyAt(child.baseUrl, tenant.id);
    });

    // Catches: an account budget keyed by IP address, so a botnet gets ten guesses per address.
    it('keeps an account locked when the guesses come from ten addresses and the right password from an eleventh', async function () {
      for (let i = 1; i <= 10; i++) {
        await wrongPasswords(rp, 'piet', 1, { 'x-forwarded-for': `198.51.100.${i}` });
      }
      const page = await tryPassword(
        rp,
        'piet',
        PASSWORD,
        new Browser({ 'x-forwarded-for': '198.51.100.11' }),
      );
      expectLocked(page);
    });

    // Catches: no per-address budget, so one address may try a few passwords on every account.
    it('stops one address after 100 wrong passwords over many usernames, and only that address', async function () {
      this.timeout(120000);
      const attacker = { 'x-forwarded-for': '203.0.113.5' };
      // Twenty usernames, five guesses each: no single name reaches its own budget of ten.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => wrongPasswords(rp, `spray-${i}`, 5, attacker)),
      );
      expectLocked(await tryPassword(rp, 'piet', PASSWORD, new Browser(attacker)));

      const elsewhere = await tryPassword(
        rp,
        'piet',
        PASSWORD,
        new Browser({ 'x-forwarded-for': '203.0.113.6' }),
      );
      expectCallbackWithCode(elsewhere);
    });
  });

  // Catches: audit events missing who/what/where, or carrying the secret that was typed.
  it('writes audit events for each step with tenant, account, client, ip and user agent, and never a code or password', async function () {
    steadyClock();
    const { inbox } = testEnvironment();
    const typedPasswords = ['first-wrong-password', PASSWORD];
    const codes: string[] = [];

    // jan: a wrong password, the right one, a wrong code, the right code.
    const browser = new RecordingBrowser();
    const pending = await startAuthorization(tenant.rp);
    const identifierPage = await browser.visit(pending.url);
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    await browser.submit(passwordPage, '/password', { password: typedPasswords[0]! });
    const before = inbox.messages.length;
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    const code = (await inbox.latestTo(JAN, before)).text.match(/^\s*(\d{6})\s*$/m)![1]!;
    codes.push(code, wrongCodeFor(code));
    const signIn = { browser, pending, afterPassword: codePage };
    await submitCode(signIn, wrongCodeFor(code));
    expectCallbackWithCode(await submitCode(signIn, code));

    // els: ten wrong codes over two sign-ins lock the account; then a locked attempt.
    for (let round = 0; round < 3; round++) {
      const els = await reachCodePage(tenant.rp, 'els', ELS);
      codes.push(els.code);
      const guesses = round < 2 ? [1, 2, 3, 4, 5] : [0];
      for (const offset of guesses) {
        const guess = offset ? wrongCodeFor(els.code, offset) : els.code;
        codes.push(guess);
        await submitCode(els.signIn, guess);
      }
    }
    // piet: a locked password.
    await wrongPasswords(tenant.rp, 'piet', 10);
    expectLocked(await tryPassword(tenant.rp, 'piet', PASSWORD));
    for (let i = 0; i < 10; i++) typedPasswords.push(`wrong-piet-${i}`);

    const events = await auditEventsOf(tenant.id);
    const ids = {
      jan: await accountIdOf(tenant.id, 'jan'),
      els: await accountIdOf(tenant.id, 'els'),
      piet: await accountIdOf(tenant.id, 'piet'),
    };
    const expected: Array<[AuditType, string]> = [
      ['password.failed', ids.jan],
      ['code.sent', ids.jan],
      ['code.failed', ids.jan],
      ['signin.succeeded', ids.jan],
      ['code.failed', ids.els],
      ['code.locked', ids.els],
      ['password.failed', ids.piet],
      ['password.locked', ids.piet],
    ];
    for (const [type, account] of expected) {
      const found = events.filter((event) => event.type === type && event.account === account);
      expect(found, `${type} for ${account}`).to.have.length.at.least(1);
      for (const event of found) {
        expect(event.tenant, type).to.equal(tenant.id);
        expect(event.client, type).to.equal('workplace');
        expect(event.ip, type).to.equal('127.0.0.1');
        expect(event.userAgent, type).to.equal(USER_AGENT);
      }
    }

    const stored = JSON.stringify(events);
    for (const password of typedPasswords) {
      expect(stored, 'a password in the audit log').not.to.contain(password);
    }
    for (const guess of new Set(codes)) {
      expect(stored, `the code ${guess} in the audit log`).not.to.match(
        new RegExp(`(?<![0-9A-Za-z])${guess}(?![0-9A-Za-z])`),
      );
    }
  });
});
