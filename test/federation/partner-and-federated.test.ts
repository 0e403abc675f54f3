import { expect } from 'chai';
import { decideForSession } from '../../provider/two-factor/decide-for.ts';
import { textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { finishAuthorization, signInFully, signInWithPassword } from '../support/relying-party.ts';
import { PASSWORD } from '../support/tenants.ts';
import {
  createSsoTenant,
  signInThroughUpstream,
  startUpstream,
  type TestUpstream,
} from '../support/upstream.ts';

describe('a Partner account and a federated user side by side keep their own rules', function () {
  let upstream: TestUpstream;
  let tenant: Awaited<ReturnType<typeof createSsoTenant>>;

  before(async function () {
    upstream = await startUpstream();
    upstream.addUser({ sub: 'alice-0001', email: 'alice@acme.example' });
    tenant = await createSsoTenant(upstream, {
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'pat', email: 'pat@partner.example', type: 'partner' },
        { username: 'jan', email: 'jan@supplier.example', type: 'standard' },
      ],
    });
  });

  after(() => upstream.stop());

  const decide = (accountId: string, amr: string[]) =>
    decideForSession({
      request: {},
      tenantId: tenant.id,
      accountId,
      amr,
      clientId: 'workplace',
      params: {},
    });

  it('signs the Partner account in with the password alone and the federated user with fed', async function () {
    const { inbox } = testEnvironment();
    const partner = await signInFully(tenant.rp, inbox, { username: 'pat', password: PASSWORD });
    const partnerClaims = partner.tokens.claims()!;
    expect(partnerClaims.amr).to.deep.equal(['pwd']);

    const federated = await signInThroughUpstream(tenant.rp, 'alice@acme.example');
    const fedClaims = (
      await finishAuthorization(tenant.rp, federated.page.url, federated.pending)
    ).claims()!;
    expect(fedClaims.amr).to.deep.equal(['fed', 'pwd', 'mfa']);

    expect(await decide(partnerClaims.sub, ['pwd'])).to.deep.equal({
      required: false,
      reason: 'partner-account',
    });
    expect(await decide(fedClaims.sub, fedClaims.amr as string[])).to.deep.equal({
      required: false,
      reason: 'federated-login',
    });
  });

  it('still asks a standard password user of the same tenant for the code', async function () {
    const signIn = await signInWithPassword(tenant.rp, 'jan', PASSWORD);
    expect(textOf(signIn.afterPassword.html)).to.contain('Check your email');
  });
});
