import { expect } from 'chai';
import * as oidc from 'openid-client';
import { advanceClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf, type Page } from '../support/browser.ts';
import type { ChildProvider } from '../support/child-provider.ts';
import {
  expectCallbackWithCode,
  expectNoCodeHandedOut,
  formOn,
  reachCodePage,
  RecordingBrowser,
  relyingPartyAt,
  startProxiedProvider,
  steadyClock,
} from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  signInFully,
  startAuthorization,
  submitCode,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const JAN = 'jan@forms.example';
const PIET = 'piet@forms.example';
const OIDC_COOKIES = ['_session', '_interaction', '_interaction_resume'];

/** Every POST form on the page with whether it carries a non-empty csrf field. */
function postForms(page: Page): Array<{ action: string; csrf: boolean }> {
  return [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)]
    .filter(([, attributes]) => /method="post"/i.test(attributes!))
    .map(([, attributes, inner]) => ({
      action: /action="([^"]*)"/.exec(attributes!)?.[1] ?? '',
      csrf: /<input\b[^>]*type="hidden"[^>]*name="(csrf|xsrf)"[^>]*value="[^"]+"/.test(inner!),
    }));
}

function expectPageHeaders(headers: Headers, what: string) {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, what).to.match(/frame-ancestors 'none'/);
  expect(headers.get('cache-control'), what).to.match(/no-store/);
  expect(headers.get('x-frame-options'), what).to.equal('DENY');
}

/** The base name of a Set-Cookie (`_session.sig` belongs to `_session`). */
const baseName = (cookie: string) => cookie.split('=')[0]!.replace(/\.sig$/, '');

/**
 * A browser behind a TLS-terminating proxy: it talks plain HTTP to the provider but says
 * `X-Forwarded-Proto: https`, and keeps cookies as a browser on the https origin would.
 */
class BrowserBehindTls extends Browser {
  readonly setCookies: string[] = [];

  constructor() {
    super({ 'x-forwarded-proto': 'https' });
  }

  override async request(url: string, init: Parameters<Browser['request']>[1] = {}) {
    const wire = url.replace(/^https:/, 'http:');
    const seen = wire.replace(/^http:/, 'https:');
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    const cookie = await this.jar.getCookieString(seen);
    if (cookie) headers.cookie = cookie;
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(wire, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const value of response.headers.getSetCookie()) {
      this.setCookies.push(value);
      await this.jar.setCookie(value, seen);
    }
    return response;
  }
}

describe('security: forms, headers and cookies', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: JAN, groups: ['2FA'] },
        { username: 'piet', email: PIET },
      ],
    });
  });

  // Catches: a form (or a new step's form) added without the csrf field.
  it('puts a form token in every form of the identifier, password, code and SSO pages', async function () {
    const sso = await createTenant({
      users: [{ username: 'jan', email: JAN }],
      extra: {
        sso: {
          domains: ['forms-sso.example'],
          issuer: 'http://127.0.0.1:9/sso',
          clientId: 'idp',
          clientSecret: 'sso-secret',
        },
      },
    });
    const ssoPage = await new Browser().visit((await startAuthorization(sso.rp)).url);

    const browser = new Browser();
    const identifierPage = await browser.visit((await startAuthorization(tenant.rp)).url);
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });

    const pages = {
      sso: ssoPage,
      identifier: identifierPage,
      password: passwordPage,
      code: codePage,
    };
    for (const [name, page] of Object.entries(pages)) {
      const forms = postForms(page);
      expect(forms.length, name).to.be.at.least(1);
      for (const form of forms) expect(form.csrf, `${name} ${form.action}`).to.equal(true);
    }
    const codeActions = postForms(codePage).map((form) =>
      form.action.replace(/^.*\/interaction\/[^/]+/, ''),
    );
    expect(codeActions).to.include.members(['/email-code', '/email-code/resend']);
  });

  describe('a post without the page token, or with the token of another sign-in', function () {
    let other: string;

    beforeEach(async function () {
      steadyClock();
      const { signIn } = await reachCodePage(tenant.rp, 'jan', JAN, { browser: new Browser() });
      other = formOn(signIn.afterPassword, '/email-code').hidden.csrf!;
    });

    const tokens = () =>
      [
        ['no token', {}],
        ["another sign-in's token", { csrf: other }],
        ['an empty token', { csrf: '' }],
      ] as Array<[string, Record<string, string>]>;

    // Catches: login CSRF, an identifier recorded from a cross-site form.
    it('is refused at the identifier step with a 4xx page, and nothing is recorded', async function () {
      for (const [what, token] of tokens()) {
        const browser = new Browser();
        const page = await browser.visit((await startAuthorization(tenant.rp)).url);
        const { url } = formOn(page, '/identifier');
        const answer = await browser.visit(url, { form: { ...token, identifier: 'jan' } });
        expect(answer.status, what).to.be.within(400, 499);
        expect((await browser.visit(page.url)).html, what).to.contain('name="identifier"');
      }
    });

    // Catches: a cross-site form that checks a password and mails a code.
    it('is refused at the password step, and no code is emailed', async function () {
      const { inbox } = testEnvironment();
      for (const [what, token] of tokens()) {
        const browser = new Browser();
        const identifierPage = await browser.visit((await startAuthorization(tenant.rp)).url);
        const passwordPage = await browser.submit(identifierPage, '/identifier', {
          identifier: 'jan',
        });
        const sent = inbox.countTo(JAN);
        const { url } = formOn(passwordPage, '/password');
        const answer = await browser.visit(url, { form: { ...token, password: PASSWORD } });
        expect(answer.status, what).to.be.within(400, 499);
        expect(inbox.countTo(JAN), what).to.equal(sent);
        expect((await browser.visit(passwordPage.url)).html, what).to.contain('name="password"');
      }
    });

    // Catches: code, resend or restart accepted from a page that is not this sign-in's.
    it('is refused at the code, resend and restart steps, and the sign-in is where it was', async function () {
      const { inbox } = testEnvironment();
      const browser = new RecordingBrowser();
      const { signIn, code } = await reachCodePage(tenant.rp, 'jan', JAN, { browser });
      advanceClock(31_000);
      const base = formOn(signIn.afterPassword, '/email-code').url.replace(/\/email-code$/, '');
      const sent = inbox.countTo(JAN);
      for (const [what, token] of tokens()) {
        for (const [suffix, fields] of [
          ['/email-code', { code }],
          ['/email-code/resend', {}],
          ['/restart', {}],
        ] as Array<[string, Record<string, string>]>) {
          const answer = await browser.visit(`${base}${suffix}`, {
            form: { ...token, ...fields },
            stopAt: REDIRECT_URI,
          });
          expect(answer.status, `${what} ${suffix}`).to.be.within(400, 499);
          expect(textOf(answer.html), `${what} ${suffix}`).to.contain(en['error.invalid-request']);
        }
      }
      expect(inbox.countTo(JAN)).to.equal(sent);
      expectNoCodeHandedOut(browser);
      // Still the code page, and the code (no try spent) still signs in.
      const callback = await submitCode(signIn, code);
      expectCallbackWithCode(callback);
      await finishAuthorization(tenant.rp, callback.url, signIn.pending);
    });
  });

  // Catches: pages rendered on a path that forgets the headers (errors, logout, provider pages).
  it("sends CSP frame-ancestors 'none', Cache-Control no-store and X-Frame-Options DENY on every page", async function () {
    const { inbox, baseUrl } = testEnvironment();
    const browser = new RecordingBrowser();
    const pages: Array<[string, Page]> = [];
    const identifierPage = await browser.visit((await startAuthorization(tenant.rp)).url);
    pages.push(['identifier', identifierPage]);
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    pages.push(['password', passwordPage]);
    pages.push([
      'wrong password',
      await browser.submit(passwordPage, '/password', { password: 'x' }),
    ]);
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    pages.push(['code', codePage]);
    pages.push(['wrong code', await browser.submit(codePage, '/email-code', { code: '0' })]);
    pages.push([
      'invalid request',
      await browser.visit(formOn(codePage, '/email-code').url, { form: { code: '1' } }),
    ]);
    pages.push(['not found', await browser.visit(`${baseUrl}/nowhere`)]);
    pages.push(['unknown tenant', await browser.visit(`${baseUrl}/realms/no-such-tenant/auth`)]);
    pages.push([
      'protocol error',
      await browser.visit(
        (await startAuthorization(tenant.rp, { redirect_uri: 'https://evil.example/' })).url,
      ),
    ]);
    const piet = new Browser();
    const { tokens } = await signInFully(
      tenant.rp,
      inbox,
      { username: 'piet', password: PASSWORD },
      { browser: piet },
    );
    const logout = oidc.buildEndSessionUrl(tenant.rp.config, { id_token_hint: tokens.id_token! });
    const logoutPage = await piet.visit(logout.href);
    pages.push(['logout', logoutPage]);
    expect(
      postForms(logoutPage).every((form) => form.csrf),
      'logout form token',
    ).to.equal(true);

    for (const [what, page] of pages) {
      expect(page.headers.get('content-type'), what).to.match(/text\/html/);
      expectPageHeaders(page.headers, what);
    }
    // The expected statuses, so the list above really holds the error pages it names.
    expect(pages.find(([what]) => what === 'not found')![1].status).to.equal(404);
    expect(pages.find(([what]) => what === 'protocol error')![1].status).to.equal(400);
  });

  // Catches: session or interaction cookies readable by script or sent on cross-site posts.
  it('marks _session, _interaction and _interaction_resume HttpOnly and SameSite=Lax', async function () {
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser();
    await signInFully(
      tenant.rp,
      inbox,
      { username: 'jan', password: PASSWORD, email: JAN },
      { browser },
    );
    const ours = browser.setCookies.filter((cookie) => OIDC_COOKIES.includes(baseName(cookie)));
    expect([...new Set(ours.map(baseName))].sort()).to.deep.equal([...OIDC_COOKIES].sort());
    for (const cookie of ours) {
      expect(cookie, cookie).to.match(/;\s*httponly/i);
      expect(cookie, cookie).to.match(/;\s*samesite=lax/i);
    }
  });

  // Catches: a login_hint echoed into the identifier page unescaped.
  it('shows a login_hint full of markup as text, not as markup', async function () {
    const hint = '"><script>alert(1)</script><img src=x onerror=alert(1)>';
    const page = await new Browser().visit(
      (await startAuthorization(tenant.rp, { login_hint: hint })).url,
    );
    expect(page.html).not.to.contain('<script>alert(1)</script>');
    expect(page.html).not.to.contain('<img src=x');
  });

  describe('behind a TLS proxy the operator configured (TRUST_PROXY=true)', function () {
    let child: ChildProvider;

    before(async function () {
      this.timeout(60000);
      child = await startProxiedProvider();
    });

    after(async function () {
      await child?.stop();
    });

    // Catches: cookies that stay without Secure when the public side is https.
    it('marks the cookies Secure when the proxy says the request came over https', async function () {
      const rp = await relyingPartyAt(child.baseUrl, tenant.id);
      const browser = new BrowserBehindTls();
      const pending = await startAuthorization(rp);
      const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
      const passwordPage = await browser.submit(identifierPage, '/identifier', {
        identifier: 'piet',
      });
      const callback = await browser.submit(
        passwordPage,
        '/password',
        { password: PASSWORD },
        { stopAt: REDIRECT_URI },
      );
      expectCallbackWithCode(callback);

      const ours = browser.setCookies.filter((cookie) => OIDC_COOKIES.includes(baseName(cookie)));
      expect([...new Set(ours.map(baseName))].sort()).to.deep.equal([...OIDC_COOKIES].sort());
      for (const cookie of ours) expect(cookie, cookie).to.match(/;\s*secure/i);
    });
  });
});
