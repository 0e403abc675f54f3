import { expect } from 'chai';
import { provisionFederatedUser } from '../../adapters/users.ts';
import { createClient } from '../../provider/admin/services/clients.ts';
import { grantExemption } from '../../provider/admin/services/exemptions.ts';
import { createTenant } from '../support/tenants.ts';
import { call, operatorToken, shell } from './support.ts';

const DAY = 86400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** A realm with one user for each way the decision can go. */
async function createRealm(twoFactor: Record<string, unknown>) {
  const tenant = await createTenant({
    twoFactor,
    groups: [
      { code: '2FA', name: 'Two-factor authentication' },
      { code: 'reception', name: 'Reception' },
    ],
    profiles: [
      { code: 'supplier', name: 'Supplier', groups: ['2FA'] },
      { code: 'visitor', name: 'Visitor', groups: ['reception'] },
    ],
    users: [
      { username: 'dirk', email: 'dirk@supplier.example', groups: ['2FA'] },
      { username: 'petra', email: 'petra@supplier.example', profile: 'supplier' },
      { username: 'nina', email: 'nina@visitor.example', profile: 'visitor' },
      { username: 'pat', email: 'pat@partner.example', type: 'partner', groups: ['2FA'] },
      { username: 'eva', email: 'eva@supplier.example', groups: ['2FA'] },
    ],
  });
  await provisionFederatedUser({
    tenant: tenant.id,
    issuer: 'https://login.acme.example',
    subject: 'staff-1',
    email: 'sam@acme.example',
    groups: ['2FA'],
  });
  await createClient(shell, tenant.id, {
    client_id: 'facility-desk',
    client_secret: 'facility-desk-secret-0123456789abcdef',
    redirect_uris: ['https://desk.example/callback'],
  });
  await grantExemption(shell, tenant.id, 'eva', { until: inDays(30), reason: 'on leave abroad' });
  return tenant;
}

const since = '2026-01-01T00:00:00Z';

describe('explain: why a user needs a code, as the sign-in would decide it', function () {
  let token: string;
  before(async function () {
    token = (await operatorToken()).token;
  });

  async function explain(tenant: string, user: string, client = '') {
    const query = client ? `?client=${client}` : '';
    const answer = await call(token, 'GET', `/tenants/${tenant}/users/${user}/explain${query}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  }

  it('gives each user of a group policy the reason the decision gives', async function () {
    const realm = await createRealm({ method: 'group', group: '2FA', effectiveFrom: since });
    const federated = (await call(token, 'GET', `/tenants/${realm.id}/users`)).body.find(
      (u: { origin: string }) => u.origin === 'federated',
    ).username;
    const cases: Array<[string, boolean, string]> = [
      ['dirk', true, 'group-direct'],
      ['petra', true, 'group-via-profile'],
      ['nina', false, 'not-in-group'],
      ['pat', false, 'partner-account'],
      ['eva', false, 'exempt'],
      [federated, false, 'federated-login'],
    ];
    const answers = [];
    for (const [user] of cases) {
      const body = await explain(realm.id, user, 'workplace');
      answers.push([user, body.required, body.reason]);
    }
    expect(answers).to.deep.equal(cases);
  });

  it('shows the facts used, the exemption included, in the tenant time zone', async function () {
    const realm = await createRealm({ method: 'group', group: '2FA', effectiveFrom: since });
    const body = await explain(realm.id, 'eva');
    expect(body.facts).to.include({ method: 'group', group: '2FA', accountType: 'standard' });
    expect(body.facts.effectiveFromLocal).to.match(/^01\/01\/2026, 0?1:00:00 CET$/);
    expect(body.facts.exemption).to.include({
      reason: 'on leave abroad',
      active: true,
      by: 'cli:test',
    });
  });

  it('answers per application when the policy is limited to some of them', async function () {
    const realm = await createRealm({
      method: 'all',
      effectiveFrom: since,
      clients: ['facility-desk'],
    });
    expect((await explain(realm.id, 'nina', 'workplace')).reason).to.equal('client-not-in-scope');
    expect((await explain(realm.id, 'nina', 'facility-desk')).reason).to.equal('all-users');
    const { byClient } = await explain(realm.id, 'nina');
    expect(byClient).to.deep.include.members([
      { client: 'facility-desk', required: true, reason: 'all-users' },
      { client: 'workplace', required: false, reason: 'client-not-in-scope' },
    ]);
  });

  it('says when the policy is off or has not started yet', async function () {
    const off = await createRealm({ method: 'off' });
    expect((await explain(off.id, 'dirk')).reason).to.equal('policy-off');
    const later = await createRealm({ method: 'all', effectiveFrom: inDays(60) });
    expect((await explain(later.id, 'dirk')).reason).to.equal('not-yet-effective');
  });
});

describe('preview: what a policy change would do, before it is made', function () {
  let token: string;
  let realm: Awaited<ReturnType<typeof createRealm>>;
  before(async function () {
    token = (await operatorToken()).token;
    realm = await createRealm({ method: 'group', group: '2FA', effectiveFrom: since });
  });

  async function preview(body: Record<string, unknown>) {
    const answer = await call(token, 'POST', `/tenants/${realm.id}/policy/preview`, body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  }
  const names = (rows: { users: Array<{ username: string } | string> }) =>
    rows.users.map((row) => (typeof row === 'string' ? row : row.username));

  it('lists who would start needing a code when every user is asked from a later date', async function () {
    const body = await preview({ method: 'all', effectiveFrom: inDays(7) });
    expect(body.users).to.equal(6);
    expect(names(body.needCode)).to.deep.equal(['dirk', 'nina', 'petra']);
    expect(body.startNeeding.users).to.deep.equal([{ username: 'nina', reason: 'all-users' }]);
    expect(body.stopNeeding.count).to.equal(0);
    // Until the new date the stored policy asks nobody, though two need a code today.
    expect(names(body.notAskedUntilEffective)).to.deep.equal(['dirk', 'petra']);
  });

  it('counts the end of an exemption that runs out before the new policy starts', async function () {
    const body = await preview({ method: 'all', effectiveFrom: inDays(45) });
    expect(names(body.startNeeding)).to.deep.equal(['eva', 'nina']);
  });

  it('lists who would stop needing a code when the policy is turned off', async function () {
    const body = await preview({ method: 'off' });
    expect(body.needCode.count).to.equal(0);
    expect(body.stopNeeding.users).to.deep.equal([
      { username: 'dirk', reason: 'policy-off', before: 'group-direct' },
      { username: 'petra', reason: 'policy-off', before: 'group-via-profile' },
    ]);
    expect(body.notAskedUntilEffective.count).to.equal(0);
  });

  it('moves the code to holders of another group, directly or by profile', async function () {
    const body = await preview({ method: 'group', group: 'reception', effectiveFrom: inDays(1) });
    expect(body.startNeeding.users).to.deep.equal([
      { username: 'nina', reason: 'group-via-profile' },
    ]);
    expect(names(body.stopNeeding)).to.deep.equal(['dirk', 'petra']);
  });

  it('answers for one application when asked, and reads a date without zone in the tenant time zone', async function () {
    const body = await preview({
      method: 'all',
      effectiveFrom: '2027-01-04T08:00',
      clients: ['facility-desk'],
      client: 'workplace',
    });
    expect(body.effectiveFrom).to.equal('2027-01-04T07:00:00.000Z');
    expect(body.client).to.equal('workplace');
    expect(body.needCode.count).to.equal(0);
    expect(names(body.stopNeeding)).to.deep.equal(['dirk', 'petra']);
  });

  it('changes nothing: the stored policy is the one from before', async function () {
    await preview({ method: 'off' });
    const policy = await call(token, 'GET', `/tenants/${realm.id}/policy`);
    expect(policy.body).to.include({ method: 'group', group: '2FA' });
  });
});
