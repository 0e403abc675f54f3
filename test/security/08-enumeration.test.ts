import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf } from '../support/browser.ts';
import { comparableText, cookieNames, formOn } from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import { REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const JAN = 'jan@enumeration.example';
const PAT = 'pat@enumeration.example';
const DIS = 'dis@enumeration.example';
const CAROL = 'carol@acme-sso.example';
const WRONG = 'not-the-password-123';

interface Answer {
  status: number;
  text: string;
  cookies: string[];
  location: string | null;
  ms: number;
}

/**
 * What an attacker learns from one password attempt: the status, the visible text (with the typed
 * identifier blanked, as it is echoed back), the cookie names set, where it redirects, how long it took.
 */
async function tryPassword(
  tenant: Awaited<ReturnType<typeof createTenant>>,
  identifier: string,
  password: string,
): Promise<Answer> {
  const browser = new Browser();
  const pending = await startAuthorization(tenant.rp);
  const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
  const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier });
  const { url, hidden } = formOn(passwordPage, '/password');
  const started = process.hrtime.bigint();
  const response = await browser.request(url, { form: { ...hidden, password } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const page = {
    status: response.status,
    url,
    html: await response.text(),
    headers: response.headers,
  };
  return {
    status: page.status,
    text: comparableText(page, [identifier]),
    cookies: cookieNames(page),
    location: response.headers.get('location'),
    ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('security: what a failed password tells an attacker', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let unknown: Answer;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: JAN, type: 'standard' },
        { username: 'pat', email: PAT, type: 'partner' },
        { username: 'dis', email: DIS, disabled: true },
        // A local account left from before SSO; its address is in the SSO domain.
        { username: 'carol', email: CAROL },
      ],
      extra: {
        sso: {
          domains: ['acme-sso.example'],
          // Never contacted: only addresses of the domain are sent there, and we type usernames.
          issuer: 'http://127.0.0.1:9/sso',
          clientId: 'idp',
          clientSecret: 'sso-secret',
        },
      },
    });
    unknown = await tryPassword(tenant, 'nobody', WRONG);
    expect(unknown.status).to.equal(200);
    expect(unknown.text).to.contain(en['password.invalid']);
  });

  const cases: Array<[string, string, string]> = [
    ['a wrong password for a standard account', 'jan', WRONG],
    ['a wrong password for a Partner account', 'pat', WRONG],
    ['a wrong password for a disabled account', 'dis', WRONG],
    ['the right password for a disabled account', 'dis', PASSWORD],
    ['a wrong password for a local account of the SSO domain', 'carol', WRONG],
    ['the right password for a local account of the SSO domain', 'carol', PASSWORD],
    ['a wrong password typed with the email address', JAN, WRONG],
  ];
  for (const [what, identifier, password] of cases) {
    // Catches: a distinct message, status, redirect or cookie for accounts that exist or are special.
    it(`answers ${what} exactly as an unknown username`, async function () {
      const answer = await tryPassword(tenant, identifier, password);
      expect(answer.status).to.equal(unknown.status);
      expect(answer.location).to.equal(unknown.location);
      expect(answer.cookies).to.deep.equal(unknown.cookies);
      expect(answer.text).to.equal(unknown.text);
    });
  }

  // Catches: an unknown username answered without the password hash work, which timing reveals.
  it('takes about as long for an unknown username as for a wrong password (medians of 7 within 0.5x-2x)', async function () {
    this.timeout(60000);
    // One of each first, so the first argon2 call and cold caches do not land on one side.
    await tryPassword(tenant, 'nobody-warm', WRONG);
    await tryPassword(tenant, 'pat', WRONG);
    const unknownMs: number[] = [];
    const knownMs: number[] = [];
    for (let i = 0; i < 7; i++) {
      unknownMs.push((await tryPassword(tenant, `nobody-${i}`, WRONG)).ms);
      knownMs.push((await tryPassword(tenant, 'jan', `${WRONG}-${i}`)).ms);
    }
    // argon2id costs tens of milliseconds; skipping it makes the unknown case several times
    // faster, far outside this band, while scheduling noise on a busy machine stays well inside.
    const ratio = median(unknownMs) / median(knownMs);
    expect(ratio, `unknown ${unknownMs.join(',')} vs known ${knownMs.join(',')}`).to.be.within(
      0.5,
      2,
    );
  });

  // Catches: a code emailed (or the code page shown) before the password is known to be right.
  it('sends the code email only after the right password of an account that may sign in', async function () {
    const { inbox } = testEnvironment();
    const counts = () => [JAN, DIS, CAROL].map((address) => inbox.countTo(address));
    const before = counts();
    await tryPassword(tenant, 'jan', WRONG);
    await tryPassword(tenant, 'dis', PASSWORD);
    await tryPassword(tenant, 'carol', PASSWORD);
    expect(counts()).to.deep.equal(before);

    const sent = inbox.messages.length;
    const right = await tryPassword(tenant, 'jan', PASSWORD);
    expect(right.status).to.equal(303);
    await inbox.latestTo(JAN, sent);
    expect(inbox.countTo(JAN)).to.equal(before[0]! + 1);
    expect(textOf(right.text)).not.to.contain(en['password.invalid']);
  });
});
