import { expect } from 'chai';
import * as oidc from 'openid-client';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf, type Page } from '../support/browser.ts';
import { RecordingBrowser, wrongCodeFor } from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import {
  REDIRECT_URI,
  signInFully,
  startAuthorization,
  submitCode,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const JAN = 'jan@redirects.example';
const PIET = 'piet@redirects.example';
const POST_LOGOUT = 'http://127.0.0.1:8080/';

/** Redirect URIs the client never registered: only http://127.0.0.1:8080/callback is. */
const unregistered = [
  'https://evil.example/callback',
  'http://127.0.0.1:8080/other',
  'http://127.0.0.1:8080/callback?next=https://evil.example/',
  'http://127.0.0.1:8080/callback#fragment',
  'http://127.0.0.1:8080/callback/',
  'http://127.0.0.1:8081/callback',
  'http://evil.example@127.0.0.1:8080/callback',
];

/** Every form action and link on a page, made absolute. */
function targetsOf(page: Page): string[] {
  const targets: string[] = [];
  for (const [, action] of page.html.matchAll(/<form\b[^>]*\baction="([^"]*)"/g)) {
    targets.push(new URL(action!.replace(/&amp;/g, '&'), page.url).href);
  }
  for (const [, href] of page.html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)) {
    targets.push(new URL(href!.replace(/&amp;/g, '&'), page.url).href);
  }
  return targets;
}

function expectOwnOrigin(page: Page, what: string) {
  const origin = new URL(testEnvironment().baseUrl).origin;
  for (const target of targetsOf(page)) {
    expect(new URL(target).origin, `${what}: ${target}`).to.equal(origin);
  }
}

describe('security: redirects stay where the client registered them', function () {
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

  async function expectRefusedOnOurPage(browser: Browser, url: string, what: string) {
    const response = await browser.request(url);
    expect(response.headers.get('location'), what).to.equal(null);
    expect(response.status, what).to.be.within(400, 499);
    const html = await response.text();
    expect(textOf(html), what).to.contain(en['error.oidc']);
  }

  for (const redirectUri of unregistered) {
    // Catches: a prefix or host-only match, or errors sent back to the unchecked redirect_uri.
    it(`refuses redirect_uri ${redirectUri} on its own page, also with prompt=none`, async function () {
      const browser = new Browser();
      for (const extra of [{}, { prompt: 'none' }] as Array<Record<string, string>>) {
        const pending = await startAuthorization(tenant.rp, {
          redirect_uri: redirectUri,
          ...extra,
        });
        await expectRefusedOnOurPage(browser, pending.url, JSON.stringify(extra));
      }
    });
  }

  // Catches: a redirect_uri check skipped when a session already exists (the silent path).
  it('refuses an unregistered redirect_uri for a signed-in user too, handing out no code', async function () {
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser();
    await signInFully(tenant.rp, inbox, { username: 'piet', password: PASSWORD }, { browser });
    for (const redirectUri of unregistered.slice(0, 3)) {
      for (const extra of [{}, { prompt: 'none' }] as Array<Record<string, string>>) {
        const pending = await startAuthorization(tenant.rp, {
          redirect_uri: redirectUri,
          ...extra,
        });
        await expectRefusedOnOurPage(browser, pending.url, redirectUri);
      }
    }
    expect(
      browser.locations.filter(
        (location) => !location.startsWith(tenant.issuer) && !location.startsWith(REDIRECT_URI),
      ),
    ).to.deep.equal([]);
  });

  // Catches: post_logout_redirect_uri followed without checking the client's registration.
  it('does not send the browser to an unregistered post_logout_redirect_uri', async function () {
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser();
    const { tokens } = await signInFully(
      tenant.rp,
      inbox,
      { username: 'piet', password: PASSWORD },
      { browser },
    );
    for (const target of [
      'https://evil.example/',
      'http://127.0.0.1:8080/other',
      `${POST_LOGOUT}?next=https://evil.example/`,
    ]) {
      const withHint = oidc.buildEndSessionUrl(tenant.rp.config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: target,
      });
      const withClient = new URL(`${tenant.issuer}/session/end`);
      withClient.searchParams.set('client_id', 'workplace');
      withClient.searchParams.set('post_logout_redirect_uri', target);
      for (const url of [withHint.href, withClient.href]) {
        const response = await browser.request(url);
        expect(response.headers.get('location'), url).to.equal(null);
        expect(response.status, url).to.be.within(400, 499);
        expect(await response.text(), url).not.to.contain('evil.example');
      }
    }
    expect(browser.locations.filter((location) => location.includes('evil.example'))).to.deep.equal(
      [],
    );
  });

  // Catches: a logout confirmation form that posts (or then redirects) off the provider's origin.
  it("keeps the logout confirmation's form on the provider's origin", async function () {
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser();
    const { tokens } = await signInFully(
      tenant.rp,
      inbox,
      { username: 'piet', password: PASSWORD },
      { browser },
    );
    const logout = oidc.buildEndSessionUrl(tenant.rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT,
    });
    const confirm = await browser.visit(logout.href, { stopAt: POST_LOGOUT });
    expect(confirm.status).to.equal(200);
    expectOwnOrigin(confirm, 'logout');
  });

  // Catches: a "start again" link built from request input (Host header, state, hints) that leads away.
  it('keeps "Start again" and every form of the sign-in pages on the provider, whatever the request said', async function () {
    const browser = new Browser({
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    });
    const params = {
      state: '//evil.example/',
      login_hint: 'https://evil.example/',
      ui_locales: 'en https://evil.example',
    };
    const pending = await startAuthorization(tenant.rp, params);
    const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expectOwnOrigin(identifierPage, 'identifier');
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    expectOwnOrigin(passwordPage, 'password');
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    expect(codePage.html).to.contain('name="code"');
    expectOwnOrigin(codePage, 'code');

    const signIn = { browser, pending, afterPassword: codePage };
    let closed = codePage;
    for (let i = 1; i <= 5; i++) closed = await submitCode(signIn, wrongCodeFor('000000', i * 7));
    expect(textOf(closed.html)).to.match(/Too many incorrect codes/);
    const restart = /<a\b[^>]*href="([^"]*)"[^>]*>[^<]*Start again/.exec(closed.html)?.[1];
    expect(restart, 'the closed code page offers "Start again"').to.be.a('string');
    const restartUrl = new URL(restart!.replace(/&amp;/g, '&'), closed.url);
    expect(restartUrl.origin).to.equal(new URL(testEnvironment().baseUrl).origin);
    expect(restartUrl.pathname).to.equal(new URL(tenant.issuer).pathname + '/auth');
    expect(restartUrl.searchParams.get('redirect_uri')).to.equal(REDIRECT_URI);
    expectOwnOrigin(closed, 'closed code page');

    // Following it starts over at the identifier page of the same tenant.
    const again = await browser.visit(restartUrl.href, { stopAt: REDIRECT_URI });
    expect(again.html).to.contain('name="identifier"');
  });
});
