import { expect } from 'chai';
import * as oidc from 'openid-client';
import { UserModel } from '../../adapters/users.ts';
import { Browser, textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { finishAuthorization, REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import {
  createSsoTenant,
  signInThroughUpstream,
  startUpstream,
  type TestUpstream,
} from '../support/upstream.ts';

const ALICE = { sub: 'alice-0001', email: 'alice@acme.example', name: 'Alice Acme' };

describe('federated login under policy "all": staff of the SSO domain never get the email code', function () {
  let upstream: TestUpstream;
  let tenant: Awaited<ReturnType<typeof createSsoTenant>>;

  before(async function () {
    upstream = await startUpstream();
    upstream.addUser(ALICE);
    tenant = await createSsoTenant(upstream, {
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
    });
  });

  after(() => upstream.stop());

  it('sends alice@acme.example to her identity provider and back signed in with amr fed', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo(ALICE.email);
    const { page, pending } = await signInThroughUpstream(tenant.rp, ALICE.email);
    expect(page.url).to.match(new RegExp(`^${REDIRECT_URI}`));

    const sent = upstream.lastAuthorization!;
    expect(sent.get('login_hint')).to.equal(ALICE.email);
    expect(sent.get('code_challenge_method')).to.equal('S256');
    expect(sent.get('nonce')).to.have.length.greaterThan(20);
    expect(sent.get('scope')).to.equal('openid email profile');

    const tokens = await finishAuthorization(tenant.rp, page.url, pending);
    const claims = tokens.claims()!;
    expect(claims.amr).to.deep.equal(['fed', 'pwd', 'mfa']);
    expect(claims.acr).to.equal('urn:idp:acr:fed');
    const userinfo = await oidc.fetchUserInfo(tenant.rp.config, tokens.access_token, claims.sub);
    expect(userinfo).to.include({ email: ALICE.email, name: ALICE.name });
    expect(inbox.countTo(ALICE.email)).to.equal(before);
  });

  it('finds the same account on the next login instead of creating another', async function () {
    const first = await signInThroughUpstream(tenant.rp, ALICE.email);
    const second = await signInThroughUpstream(tenant.rp, 'ALICE@Acme.Example');
    expect(second.page.url).to.match(new RegExp(`^${REDIRECT_URI}`));
    const subOf = async (run: typeof first) =>
      (await finishAuthorization(tenant.rp, run.page.url, run.pending)).claims()!.sub;
    expect(await subOf(first)).to.equal(await subOf(second));
    expect(await UserModel.countDocuments({ tenant: tenant.id, origin: 'federated' })).to.equal(1);
  });

  it('offers a "Sign in with" button that starts the same login', async function () {
    const browser = new Browser();
    const pending = await startAuthorization(tenant.rp);
    const identifierPage = await browser.visit(pending.url);
    expect(textOf(identifierPage.html)).to.contain('Sign in with Acme Staff');

    upstream.login.account = ALICE.sub;
    try {
      const page = await browser.submit(
        identifierPage,
        '/federated/start?idp=0',
        {},
        {
          stopAt: REDIRECT_URI,
        },
      );
      expect(upstream.lastAuthorization!.has('login_hint')).to.equal(false);
      const tokens = await finishAuthorization(tenant.rp, page.url, pending);
      expect(tokens.claims()!.amr).to.include('fed');
    } finally {
      upstream.login.account = undefined;
    }
  });

  it('lets the federated session through later authorizations without a code', async function () {
    const { browser } = await signInThroughUpstream(tenant.rp, ALICE.email);
    const again = await startAuthorization(tenant.rp, { prompt: 'none' });
    const page = await browser.visit(again.url, { stopAt: REDIRECT_URI });
    const tokens = await finishAuthorization(tenant.rp, page.url, again);
    expect(tokens.claims()!.amr).to.include('fed');
  });
});

describe('federated login under policy "group": the upstream mapping puts staff in 2FA, still no code', function () {
  let upstream: TestUpstream;
  let tenant: Awaited<ReturnType<typeof createSsoTenant>>;

  before(async function () {
    upstream = await startUpstream();
    upstream.addUser(ALICE);
    tenant = await createSsoTenant(
      upstream,
      { twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' } },
      { profile: 'supplier', groups: ['2FA'] },
    );
  });

  after(() => upstream.stop());

  it('creates the account with the mapped profile and group and signs in with amr fed', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo(ALICE.email);
    const { page, pending } = await signInThroughUpstream(tenant.rp, ALICE.email);
    const tokens = await finishAuthorization(tenant.rp, page.url, pending);
    const claims = tokens.claims()!;
    expect(claims.amr).to.deep.equal(['fed', 'pwd', 'mfa']);
    const userinfo = await oidc.fetchUserInfo(tenant.rp.config, tokens.access_token, claims.sub);
    expect(userinfo.groups).to.include('2FA');
    expect(inbox.countTo(ALICE.email)).to.equal(before);

    const user = await UserModel.findOne({ tenant: tenant.id, _id: claims.sub }).lean();
    expect(user).to.include({ type: 'standard', origin: 'federated', profile: 'supplier' });
    expect(user!.groups).to.deep.equal(['2FA']);
    expect(user!.federatedIssuer).to.equal(upstream.issuer);
    expect(user!.federatedSubject).to.equal(ALICE.sub);
    expect(user!.username).to.match(/^fed-[0-9a-f]{20}$/);
  });
});
