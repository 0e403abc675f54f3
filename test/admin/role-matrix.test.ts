import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { findAuditEvents } from '../../adapters/audit-events.ts';
import { endpoints } from '../../provider/admin/api/endpoints.ts';
import { advanceClock } from '../../provider/clock.ts';
import { REDIRECT_URI } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import { adminApp, adminToken, call, grantRole, operatorToken } from './support.ts';

type Role =
  'operator' | 'admin of A' | 'admin of B' | 'ordinary user' | 'no token' | 'expired token';
const roles: Role[] = [
  'operator',
  'admin of A',
  'admin of B',
  'ordinary user',
  'no token',
  'expired token',
];

interface Probe {
  group: string;
  method: string;
  /** `A` stands for tenant A's id. */
  path: string;
  body?: () => unknown;
  /** Who may: `operator` only, or also A's tenant administrator. */
  access: 'operator' | 'tenant';
}

const future = () => new Date(Date.now() + 30 * 86400_000).toISOString();

// One representative request per endpoint group, each harmless to repeat.
const probes: Probe[] = [
  { group: 'tenant list', method: 'GET', path: '/tenants', access: 'operator' },
  {
    group: 'tenant create',
    method: 'POST',
    path: '/tenants',
    body: () => ({ id: `t-${randomBytes(5).toString('hex')}`, name: 'New tenant' }),
    access: 'operator',
  },
  { group: 'tenant show', method: 'GET', path: '/tenants/A', access: 'tenant' },
  { group: 'clients', method: 'GET', path: '/tenants/A/clients', access: 'operator' },
  { group: 'users', method: 'GET', path: '/tenants/A/users', access: 'tenant' },
  {
    group: 'user change',
    method: 'PUT',
    path: '/tenants/A/users/vera/groups/reception',
    access: 'tenant',
  },
  { group: 'groups', method: 'GET', path: '/tenants/A/groups', access: 'tenant' },
  {
    group: 'group create',
    method: 'POST',
    path: '/tenants/A/groups',
    body: () => ({ code: `g-${randomBytes(4).toString('hex')}`, name: 'A group' }),
    access: 'tenant',
  },
  { group: 'profiles', method: 'GET', path: '/tenants/A/profiles', access: 'tenant' },
  {
    group: 'profile change',
    method: 'PUT',
    path: '/tenants/A/profiles/supplier/groups/reception',
    access: 'tenant',
  },
  { group: 'explain', method: 'GET', path: '/tenants/A/users/vera/explain', access: 'tenant' },
  { group: 'audit', method: 'GET', path: '/tenants/A/audit-events', access: 'tenant' },
  { group: 'policy', method: 'GET', path: '/tenants/A/policy', access: 'operator' },
  {
    group: 'policy preview',
    method: 'POST',
    path: '/tenants/A/policy/preview',
    body: () => ({ method: 'off' }),
    access: 'operator',
  },
  { group: 'sso', method: 'GET', path: '/tenants/A/sso', access: 'operator' },
  { group: 'sso change', method: 'DELETE', path: '/tenants/A/sso', access: 'operator' },
  {
    group: 'policy change',
    method: 'PUT',
    path: '/tenants/A/policy',
    body: () => ({ method: 'off' }),
    access: 'operator',
  },
  {
    group: 'client change',
    method: 'PUT',
    path: '/tenants/A/clients/workplace',
    body: () => ({ redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'] }),
    access: 'operator',
  },
  {
    group: 'exemption',
    method: 'PUT',
    path: '/tenants/A/users/vera/exemption',
    body: () => ({ until: future(), reason: 'travelling' }),
    access: 'operator',
  },
];

function expectedStatus(role: Role, probe: Probe): number | 'success' {
  if (role === 'no token' || role === 'expired token') return 401;
  if (role === 'operator') return 'success';
  if (role === 'admin of A' && probe.access === 'tenant') return 'success';
  return 403;
}

describe('who may call which administration endpoint', function () {
  const tokens = {} as Record<Role, string | undefined>;
  let tenantA: string;

  before(async function () {
    this.timeout(60000);
    const users = (name: string) => [
      { username: name, email: `${name}@admins.example` },
      { username: 'olga', email: `olga-${name}@users.example` },
      { username: 'vera', email: `vera-${name}@users.example` },
    ];
    const groups = [
      { code: '2FA', name: 'Two-factor authentication' },
      { code: 'reception', name: 'Reception' },
    ];
    const a = await createTenant({ users: users('anna'), groups });
    const b = await createTenant({ users: users('bert'), groups });
    tenantA = a.id;
    await grantRole(a.id, 'anna', 'tenant-admin');
    await grantRole(b.id, 'bert', 'tenant-admin');
    const [appA, appB] = [await adminApp(a.id), await adminApp(b.id)];

    tokens.operator = (await operatorToken()).token;
    tokens['admin of A'] = await adminToken(appA, { username: 'anna', password: PASSWORD });
    tokens['admin of B'] = await adminToken(appB, { username: 'bert', password: PASSWORD });
    tokens['ordinary user'] = await adminToken(appA, { username: 'olga', password: PASSWORD });
    tokens['no token'] = undefined;
    tokens['expired token'] = (await operatorToken()).token;
  });

  for (const probe of probes) {
    it(`answers ${probe.group} (${probe.method} ${probe.path}) for each role as its access allows`, async function () {
      const seen: Record<string, number> = {};
      const wanted: Record<string, number | 'success'> = {};
      for (const role of roles) {
        if (role === 'expired token') advanceClock(11 * 60 * 1000);
        const path = probe.path.replace('/A', `/${tenantA}`);
        const answer = await call(tokens[role], probe.method, path, probe.body?.());
        const expected = expectedStatus(role, probe);
        seen[role] = answer.status;
        wanted[role] = expected === 'success' ? answer.status : expected;
        if (expected === 'success') expect(answer.status, role).to.be.within(200, 299);
      }
      expect(seen).to.deep.equal(wanted);
    });
  }

  it('asks for a token on every endpoint of the API', async function () {
    const open = [];
    for (const endpoint of endpoints) {
      const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name) =>
        name === 'tenant' ? tenantA : 'x',
      );
      const body = endpoint.method === 'get' ? undefined : {};
      const answer = await call(undefined, endpoint.method.toUpperCase(), path, body);
      if (answer.status !== 401) open.push(`${endpoint.method} ${endpoint.path}: ${answer.status}`);
    }
    expect(open).to.deep.equal([]);
  });

  it('refuses a tenant administrator every operator endpoint, even for their own tenant', async function () {
    const allowed = [];
    for (const endpoint of endpoints.filter((e) => e.access === 'operator')) {
      const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name) =>
        name === 'tenant' ? tenantA : 'x',
      );
      const body = endpoint.method === 'get' ? undefined : {};
      const answer = await call(tokens['admin of A'], endpoint.method.toUpperCase(), path, body);
      if (answer.status !== 403)
        allowed.push(`${endpoint.method} ${endpoint.path}: ${answer.status}`);
    }
    expect(allowed).to.deep.equal([]);
  });

  it('records a refusal as admin.forbidden in the tenant that was asked about', async function () {
    const answer = await call(tokens['admin of B'], 'GET', `/tenants/${tenantA}/users`);
    expect(answer.status).to.equal(403);
    expect(answer.body.code).to.equal('forbidden');

    const events = await findAuditEvents({ tenant: tenantA, type: 'admin.forbidden' });
    const refusal = events.find((e) => e.target === `GET /admin/v1/tenants/${tenantA}/users`);
    expect(refusal?.actor).to.match(/\/bert$/);
  });
});
