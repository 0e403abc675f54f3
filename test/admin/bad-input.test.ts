import { expect } from 'chai';
import { findAuditEvents } from '../../adapters/audit-events.ts';
import { TenantModel, type Tenant } from '../../adapters/tenants.ts';
import { UserModel } from '../../adapters/users.ts';
import { testEnvironment } from '../support/environment.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import { adminApp, adminToken, call, grantRole, operatorToken } from './support.ts';

describe('the administration API refuses bad input and changes nothing', function () {
  let token: string;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let base: string;
  before(async function () {
    token = (await operatorToken()).token;
    tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: 'jan@supplier.example', profile: 'supplier' },
        { username: 'tina', email: 'tina@admins.example' },
      ],
    });
    base = `/tenants/${tenant.id}`;
  });

  const storedPolicy = async () =>
    (await TenantModel.findOne({ _id: tenant.id }).lean<Tenant>())!.twoFactor;

  it('answers 404 with a code and a message for unknown tenants, users, groups, profiles and applications', async function () {
    const cases: Array<[string, string, string, unknown, string]> = [
      [
        'GET',
        '/tenants/no-such-tenant/users',
        'unknown-tenant',
        undefined,
        'There is no tenant "no-such-tenant".',
      ],
      [
        'GET',
        `${base}/users/nobody`,
        'unknown-user',
        undefined,
        'There is no such user in this tenant.',
      ],
      [
        'PUT',
        `${base}/users/jan/groups/ghosts`,
        'unknown-group',
        undefined,
        'There is no group "ghosts" in this tenant.',
      ],
      [
        'PUT',
        `${base}/users/jan/profile`,
        'unknown-profile',
        { profile: 'pilot' },
        'There is no profile "pilot" in this tenant.',
      ],
      [
        'GET',
        `${base}/users/jan/explain?client=nope`,
        'unknown-client',
        undefined,
        'There is no application "nope" in this tenant.',
      ],
      [
        'DELETE',
        `${base}/clients/nope`,
        'unknown-client',
        undefined,
        'There is no application "nope" in this tenant.',
      ],
    ];
    for (const [method, path, code, body, message] of cases) {
      const answer = await call(token, method, path, body);
      expect({ status: answer.status, ...answer.body }, `${method} ${path}`).to.deep.equal({
        status: 404,
        code,
        message,
      });
    }
  });

  it('asks for confirmation of a start date in the past, and stores it once confirmed', async function () {
    const before = await storedPolicy();
    const policy = { method: 'all', effectiveFrom: '2026-02-01T08:00' };
    const refused = await call(token, 'PUT', `${base}/policy`, policy);
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('effective-date-in-past');
    expect(refused.body.message).to.contain('2026-02-01T07:00:00.000Z');
    expect(await storedPolicy()).to.deep.equal(before);

    const confirmed = await call(token, 'PUT', `${base}/policy`, { ...policy, confirm: true });
    expect(confirmed.status).to.equal(200);
    expect(confirmed.body).to.include({ method: 'all', effectiveFrom: '2026-02-01T07:00:00.000Z' });
    const [event] = await findAuditEvents({ tenant: tenant.id, type: 'admin.policy-changed' });
    expect(event!.detail).to.deep.equal({ confirmedPastDate: true });
  });

  it('answers 400 for an invalid method, listing every problem, and keeps the policy', async function () {
    const before = await storedPolicy();
    const answer = await call(token, 'PUT', `${base}/policy`, {
      method: 'sometimes',
      when: 'soon',
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.code).to.equal('invalid-input');
    expect(answer.body.problems).to.deep.equal([
      'method: must be one of off, all, group',
      'when: unknown field',
    ]);
    expect(await storedPolicy()).to.deep.equal(before);
  });

  it('refuses a group policy without a group, an unknown group or application, and a time the clocks skip', async function () {
    const before = await storedPolicy();
    const future = '2030-01-01T00:00:00Z';
    const cases: Array<[unknown, number, string]> = [
      [{ method: 'group', effectiveFrom: future }, 400, 'invalid-input'],
      [{ method: 'all' }, 400, 'invalid-input'],
      [{ method: 'group', group: 'pilots', effectiveFrom: future }, 404, 'unknown-group'],
      [
        { method: 'all', effectiveFrom: future, clients: ['workplace', 'ghost'] },
        404,
        'unknown-client',
      ],
      [{ method: 'all', effectiveFrom: '2030-03-31T02:30' }, 400, 'invalid-input'],
      [{ method: 'all', effectiveFrom: 'next monday' }, 400, 'invalid-input'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await call(token, 'PUT', `${base}/policy`, body);
      expect([answer.status, answer.body.code], JSON.stringify(body)).to.deep.equal([status, code]);
    }
    expect(await storedPolicy()).to.deep.equal(before);
  });

  it('creates no user when any part of the request is wrong', async function () {
    const cases: Array<[unknown, number, string]> = [
      [{ username: 'kim', groups: ['2FA', 'ghosts'] }, 404, 'unknown-group'],
      [{ username: 'kim', profile: 'pilot' }, 404, 'unknown-profile'],
      [{ username: 'kim', email: 'kim <kim@x.example>', colour: 'blue' }, 400, 'invalid-input'],
      [{ username: 'kim', email: 'JAN@supplier.example' }, 409, 'email-in-use'],
      [{ username: 'kim', password: 'short' }, 400, 'invalid-input'],
      [{ username: 'kim', roles: ['operator'] }, 400, 'invalid-input'],
      [{ username: 'JAN' }, 409, 'user-exists'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await call(token, 'POST', `${base}/users`, body);
      expect([answer.status, answer.body.code], JSON.stringify(body)).to.deep.equal([status, code]);
    }
    expect(await UserModel.exists({ tenant: tenant.id, usernameKey: 'kim' })).to.equal(null);
  });

  it('checks application metadata with the provider before registering it', async function () {
    const answer = await call(token, 'POST', `${base}/clients`, {
      client_id: 'desk',
      redirect_uris: ['https://desk.example/callback'],
      token_endpoint_auth_method: 'carrier-pigeon',
    });
    expect([answer.status, answer.body.code]).to.deep.equal([400, 'invalid-input']);
    expect(answer.body.problems[0]).to.match(/^client: .*token_endpoint_auth_method/);
    expect((await call(token, 'GET', `${base}/clients`)).body).to.have.length(2);
  });

  it('keeps a group that a profile still holds or the policy names', async function () {
    const answer = await call(token, 'DELETE', `${base}/groups/2FA`);
    expect(answer.status).to.equal(409);
    expect(answer.body.code).to.equal('group-in-use');
    const groups = (await call(token, 'GET', `${base}/groups`)).body;
    expect(groups.map((g: { code: string }) => g.code)).to.include('2FA');
  });

  it('refuses to create the reserved admin tenant or one that exists', async function () {
    const reserved = await call(token, 'POST', '/tenants', { id: 'admin', name: 'Mine' });
    expect([reserved.status, reserved.body.code]).to.deep.equal([409, 'reserved-tenant']);
    const twice = await call(token, 'POST', '/tenants', { id: tenant.id, name: 'Again' });
    expect([twice.status, twice.body.code]).to.deep.equal([409, 'tenant-exists']);
  });

  it('keeps roles and the account type out of a tenant administrator’s reach', async function () {
    await grantRole(tenant.id, 'tina', 'tenant-admin');
    const tina = await adminToken(await adminApp(tenant.id), {
      username: 'tina',
      password: PASSWORD,
      // The policy test before this one left policy "all" in force.
      email: 'tina@admins.example',
    });
    const promote = await call(tina, 'PATCH', `${base}/users/jan`, { roles: ['tenant-admin'] });
    expect([promote.status, promote.body.code]).to.deep.equal([403, 'forbidden']);
    const partner = await call(tina, 'POST', `${base}/users`, { username: 'kim', type: 'partner' });
    expect(partner.status).to.equal(403);
    const jan = await call(token, 'GET', `${base}/users/jan`);
    expect(jan.body).to.include({ type: 'standard' });
    expect(jan.body.roles).to.deep.equal([]);
  });

  it('answers a body that is not JSON, and an unknown endpoint, in JSON and in the asked language', async function () {
    const url = `${testEnvironment().baseUrl}/admin/v1${base}/groups`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const broken = await fetch(url, { method: 'POST', headers, body: '{"code":' });
    expect(broken.status).to.equal(400);
    expect(((await broken.json()) as { code: string }).code).to.equal('invalid-input');

    const missing = await fetch(`${testEnvironment().baseUrl}/admin/v1/nothing-here`, {
      headers: { ...headers, 'accept-language': 'nl-NL,nl;q=0.9' },
    });
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.deep.equal({
      code: 'not-found',
      message: 'Dit beheer-endpoint bestaat niet.',
    });
  });
});
