import { expect } from 'chai';
import { UserModel } from '../../adapters/users.ts';
import { testEnvironment } from '../support/environment.ts';
import { callbackError, finishAuthorization, REDIRECT_URI } from '../support/relying-party.ts';
import {
  createSsoTenant,
  signInThroughUpstream,
  startUpstream,
  type TestUpstream,
} from '../support/upstream.ts';

const ALICE = { sub: 'alice-0001', email: 'alice@acme.example' };
const MFA = 'urn:idp:acr:mfa';
const essentialMfa = JSON.stringify({ id_token: { acr: { essential: true, values: [MFA] } } });

describe('step-up for federated logins: the upstream is asked, and its answer reported', function () {
  let upstream: TestUpstream;
  let tenant: Awaited<ReturnType<typeof createSsoTenant>>;

  before(async function () {
    upstream = await startUpstream();
    upstream.addUser(ALICE);
    tenant = await createSsoTenant(upstream, {
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
    });
  });

  afterEach(() => {
    upstream.login.acr = undefined;
  });

  after(() => upstream.stop());

  it('passes acr_values on to the upstream and reports its acr, without an email code', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo(ALICE.email);
    upstream.login.acr = MFA;
    const { page, pending } = await signInThroughUpstream(tenant.rp, ALICE.email, {
      params: { acr_values: MFA },
    });
    expect(upstream.lastAuthorization!.get('acr_values')).to.equal(MFA);

    const claims = (await finishAuthorization(tenant.rp, page.url, pending)).claims()!;
    expect(claims.acr).to.equal(MFA);
    expect(claims.amr).to.include('fed');
    expect(inbox.countTo(ALICE.email)).to.equal(before);
  });

  it('answers unmet_authentication_requirements when an essential acr was not met', async function () {
    const accounts = await UserModel.countDocuments({ tenant: tenant.id, origin: 'federated' });
    upstream.login.acr = 'urn:acme:pwd';
    const { page } = await signInThroughUpstream(tenant.rp, ALICE.email, {
      params: { claims: essentialMfa },
    });
    expect(upstream.lastAuthorization!.get('acr_values')).to.equal(MFA);
    expect(page.url).to.match(new RegExp(`^${REDIRECT_URI}`));
    expect(callbackError(page.url)).to.equal('unmet_authentication_requirements');
    expect(await UserModel.countDocuments({ tenant: tenant.id, origin: 'federated' })).to.equal(
      accounts,
    );
  });

  it('signs in when the upstream met the essential acr', async function () {
    upstream.login.acr = MFA;
    const { page, pending } = await signInThroughUpstream(tenant.rp, ALICE.email, {
      params: { claims: essentialMfa },
    });
    const claims = (await finishAuthorization(tenant.rp, page.url, pending)).claims()!;
    expect(claims.acr).to.equal(MFA);
  });
});
