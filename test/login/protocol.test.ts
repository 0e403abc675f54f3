import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import {
  callbackError,
  REDIRECT_URI,
  signInFully,
  startAuthorization,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const POST_LOGOUT = 'http://127.0.0.1:8080/';
const JAN = { username: 'jan', password: PASSWORD, email: 'jan@supplier.example' };
const OFFLINE = { scope: 'openid offline_access', prompt: 'consent' };

async function jwksOf(issuer: string): Promise<JSONWebKeySet> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  return (await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet;
}

describe('the OpenID Connect protocol around a sign-in', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ ...JAN, name: 'Jan de Vries' }],
    });
  });

  it('issues a refresh token for offline access, and a refreshed ID token still says how the user signed in', async function () {
    const { inbox } = testEnvironment();
    const { tokens } = await signInFully(tenant.rp, inbox, JAN, { params: OFFLINE });
    expect(tokens.refresh_token).to.be.a('string');
    const sub = tokens.claims()!.sub;

    const refreshed = await oidc.refreshTokenGrant(tenant.rp.config, tokens.refresh_token!);
    expect(refreshed.access_token).to.be.a('string');
    expect(refreshed.claims()!.sub).to.equal(sub);
    expect(refreshed.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(refreshed.claims()!.acr).to.equal('urn:idp:acr:mfa');
  });

  it('answers userinfo with the email address and username', async function () {
    const { inbox } = testEnvironment();
    const { tokens } = await signInFully(tenant.rp, inbox, JAN);
    const sub = tokens.claims()!.sub;
    const info = await oidc.fetchUserInfo(tenant.rp.config, tokens.access_token, sub);
    expect(info.sub).to.equal(sub);
    expect(info.email).to.equal(JAN.email);
    expect(info.preferred_username).to.equal('jan');
  });

  it('refuses a refresh token after the application revoked it', async function () {
    const { inbox } = testEnvironment();
    const { tokens } = await signInFully(tenant.rp, inbox, JAN, { params: OFFLINE });
    await oidc.tokenRevocation(tenant.rp.config, tokens.refresh_token!, {
      token_type_hint: 'refresh_token',
    });

    let refused: unknown;
    try {
      await oidc.refreshTokenGrant(tenant.rp.config, tokens.refresh_token!);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(oidc.ResponseBodyError);
    expect((refused as oidc.ResponseBodyError).error).to.equal('invalid_grant');
  });

  it('signs the user out when the application asks and the user confirms, so prompt=none then needs a login', async function () {
    const { inbox } = testEnvironment();
    const browser = new Browser();
    const { tokens } = await signInFully(tenant.rp, inbox, JAN, { browser });

    const logoutUrl = oidc.buildEndSessionUrl(tenant.rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT,
    });
    const confirm = await browser.visit(logoutUrl.href, { stopAt: POST_LOGOUT });
    expect(confirm.status).to.equal(200);
    expect(textOf(confirm.html)).to.contain(
      en['logout.question'].replace('{tenant}', tenant.file.tenants[0]!.name),
    );

    const done = await browser.submit(
      confirm,
      '/session/end/confirm',
      { logout: 'yes' },
      {
        stopAt: POST_LOGOUT,
      },
    );
    expect(done.url.startsWith(POST_LOGOUT)).to.equal(true);
    expect(done.url).not.to.contain(REDIRECT_URI);

    const pending = await startAuthorization(tenant.rp, { prompt: 'none' });
    const callback = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callbackError(callback.url)).to.equal('login_required');
  });

  it('shows a plain 404 page without internals for a tenant that does not exist', async function () {
    const response = await fetch(
      `${testEnvironment().baseUrl}/realms/nope/.well-known/openid-configuration`,
    );
    expect(response.status).to.equal(404);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    const html = await response.text();
    expect(textOf(html)).to.contain(en['error.unknown-tenant']);
    expect(html).not.to.match(/\bat \S+ \(|\bat (file|node):|Error:|\.ts:\d+/);
  });

  it("publishes the tenant's own issuer in discovery", async function () {
    const response = await fetch(`${tenant.issuer}/.well-known/openid-configuration`);
    expect(response.status).to.equal(200);
    const discovery = (await response.json()) as { issuer: string };
    expect(discovery.issuer).to.equal(`${testEnvironment().baseUrl}/realms/${tenant.id}`);
  });

  it("signs ID tokens with a key from the tenant's JWKS, and another tenant has other keys", async function () {
    const { inbox } = testEnvironment();
    const { tokens } = await signInFully(tenant.rp, inbox, JAN);
    const idToken = tokens.id_token!;
    const jwks = await jwksOf(tenant.issuer);
    const { kid } = decodeProtectedHeader(idToken);
    expect(jwks.keys.map((key) => key.kid)).to.include(kid);
    const verified = await jwtVerify(idToken, createLocalJWKSet(jwks), {
      issuer: tenant.issuer,
      audience: 'workplace',
    });
    expect(verified.payload.sub).to.equal(tokens.claims()!.sub);

    const other = await createTenant({ users: [{ username: 'jan', email: JAN.email }] });
    const otherJwks = await jwksOf(other.issuer);
    expect(otherJwks.keys).not.to.have.length(0);
    const material = (set: JSONWebKeySet) => set.keys.map((key) => key.n ?? key.x ?? key.kid);
    for (const key of material(otherJwks)) expect(material(jwks)).not.to.include(key);

    let rejected = false;
    await jwtVerify(idToken, createLocalJWKSet(otherJwks)).catch(() => (rejected = true));
    expect(rejected, "the other tenant's keys must not verify this token").to.equal(true);
  });
});
