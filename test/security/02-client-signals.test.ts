import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { textOf } from '../support/browser.ts';
import type { ChildProvider } from '../support/child-provider.ts';
import {
  accountIdOf,
  auditEventsOf,
  expectNoCodeHandedOut,
  formOn,
  postRaw,
  reachCodePage,
  RecordingBrowser,
  relyingPartyAt,
  startProxiedProvider,
} from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import { REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const EMAIL = 'jan@signals.example';
const FORGED_IP = '203.0.113.66';

/** Everything a client can say about itself, none of which the product may believe. */
const forgedHeaders = {
  'x-forwarded-for': FORGED_IP,
  forwarded: `for=${FORGED_IP};proto=https;host=evil.example`,
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  'x-real-ip': FORGED_IP,
  'x-partner': 'true',
  'x-otp-verified': 'true',
};

/** Form fields a naive step might read as "already done" or "exempt". */
const forgedFields = {
  skip: '1',
  otpVerified: 'true',
  partner: 'true',
  amr: 'pwd',
  type: 'partner',
  acr: 'urn:idp:acr:mfa',
  accountId: 'jan',
  verified: 'true',
};

describe('security: signals the client controls change nothing', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: EMAIL }],
    });
  });

  // Catches: a password handler that honours `skip`, `partner`, `type` or `amr` from the form.
  it('still asks for the code when the password form carries skip, otpVerified, partner, amr and type fields', async function () {
    const browser = new RecordingBrowser();
    const pending = await startAuthorization(tenant.rp);
    const identifierPage = await browser.visit(pending.url);
    const passwordPage = await browser.submit(identifierPage, '/identifier', {
      identifier: 'jan',
      ...forgedFields,
    });
    const after = await browser.submit(
      passwordPage,
      '/password',
      { password: PASSWORD, ...forgedFields },
      { stopAt: REDIRECT_URI },
    );
    expect(after.url).not.to.contain(REDIRECT_URI);
    expect(after.html).to.contain('name="code"');

    const code = await browser.submit(
      after,
      '/email-code',
      { code: '', ...forgedFields },
      { stopAt: REDIRECT_URI },
    );
    expect(code.url).not.to.contain(REDIRECT_URI);
    expect(textOf(code.html)).to.contain(en['email-code.invalid']);
    expectNoCodeHandedOut(browser);
  });

  // Catches: a body parser that accepts JSON, where `true` and objects arrive as themselves.
  it('refuses JSON bodies on every step with a page, and the code is still required', async function () {
    const browser = new RecordingBrowser();
    const { signIn } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');
    const base = url.replace(/\/email-code$/, '');
    for (const suffix of ['/password', '/email-code', '/identifier']) {
      const page = await postRaw(
        browser,
        `${base}${suffix}`,
        JSON.stringify({
          csrf: hidden.csrf,
          password: PASSWORD,
          identifier: 'jan',
          code: { $ne: '' },
          otpVerified: true,
          skip: true,
          partner: true,
        }),
        'application/json',
      );
      expect(page.status, suffix).to.be.within(400, 499);
      expect(page.headers.get('location'), suffix).to.equal(null);
    }
    const reloaded = await browser.visit(signIn.afterPassword.url, { stopAt: REDIRECT_URI });
    expect(reloaded.html).to.contain('name="code"');
    expectNoCodeHandedOut(browser);
  });

  // Catches: acr_values / claims / amr request parameters taken as a way to lower the requirement.
  it('still asks for the code when the application asks for password-only acr, amr or a Partner hint', async function () {
    const asks: Array<Record<string, string>> = [
      { acr_values: 'urn:idp:acr:pwd' },
      {
        claims: JSON.stringify({
          id_token: { acr: { essential: true, value: 'urn:idp:acr:pwd' } },
        }),
      },
      { amr: 'pwd', partner: 'true', login_hint: 'jan' },
    ];
    for (const params of asks) {
      const browser = new RecordingBrowser();
      await reachCodePage(tenant.rp, 'jan', EMAIL, { browser, params });
      expectNoCodeHandedOut(browser, JSON.stringify(params));
    }
  });

  // Catches: X-Forwarded-*/Forwarded/X-Real-IP trusted without TRUST_PROXY, so anyone picks their IP.
  it('records 127.0.0.1 in the audit log and the email, not the forged address, while TRUST_PROXY is off', async function () {
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser(forgedHeaders);
    const before = inbox.messages.length;
    const { signIn } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    expect(signIn.afterPassword.html).to.contain('name="code"');
    expectNoCodeHandedOut(browser);

    const events = await auditEventsOf(tenant.id);
    const sent = events.filter((event) => event.type === 'code.sent');
    expect(sent).to.have.length.at.least(1);
    for (const event of events) {
      expect(event.ip, event.type).to.equal('127.0.0.1');
      expect(JSON.stringify(event)).not.to.contain(FORGED_IP);
    }
    const mail = await inbox.latestTo(EMAIL, before);
    expect(mail.text).not.to.contain(FORGED_IP);
    expect(mail.text).to.contain('127.0.0.1');
    // X-Forwarded-Proto: https is not believed either: the cookies are not marked Secure.
    expect(browser.setCookies.filter((cookie) => /;\s*secure/i.test(cookie))).to.deep.equal([]);
  });

  describe('behind a proxy the operator configured (TRUST_PROXY=true)', function () {
    let child: ChildProvider;

    before(async function () {
      this.timeout(60000);
      child = await startProxiedProvider();
    });

    after(async function () {
      await child?.stop();
    });

    // Catches: an audit IP that never follows the configuration (always the socket, or always the header).
    it('records the X-Forwarded-For address in the audit log, showing the address source is configuration', async function () {
      const rp = await relyingPartyAt(child.baseUrl, tenant.id);
      const browser = new RecordingBrowser({ 'x-forwarded-for': FORGED_IP });
      const { signIn } = await reachCodePage(rp, 'jan', EMAIL, { browser });
      expect(signIn.afterPassword.html).to.contain('name="code"');
      expectNoCodeHandedOut(browser);

      const account = await accountIdOf(tenant.id, 'jan');
      const sent = (await auditEventsOf(tenant.id)).filter(
        (event) =>
          event.type === 'code.sent' && event.account === account && event.ip === FORGED_IP,
      );
      expect(sent).to.have.length(1);
    });
  });
});
