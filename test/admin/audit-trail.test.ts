import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { call, operatorToken } from './support.ts';

const SECRET = 'first-password-of-jan-42';
const SECOND = 'second-password-of-jan-42';
const SSO_SECRET = 'upstream-client-secret-0123456789';

interface Step {
  what: string;
  /** `METHOD path`. */
  request: string;
  body?: unknown;
  /** `type target` of the event it must leave. */
  event: string;
  changes?: Record<string, unknown>;
}

/** Every kind of change, in an order that works on a fresh tenant; `T` is its id. */
const steps = (future: string): Step[] => [
  {
    what: 'creates a tenant',
    request: 'POST /tenants',
    body: { name: 'Trail' },
    event: 'admin.tenant-created tenant:{T}',
    changes: { name: { to: 'Trail' } },
  },
  {
    what: 'creates a group',
    request: 'POST /tenants/T/groups',
    body: { code: 'reception', name: 'Reception' },
    event: 'admin.group-created group:reception',
  },
  {
    what: 'creates a profile',
    request: 'POST /tenants/T/profiles',
    body: { code: 'visitor', name: 'Visitor', groups: ['reception'] },
    event: 'admin.profile-created profile:visitor',
  },
  {
    what: 'adds a group to a profile',
    request: 'PUT /tenants/T/profiles/visitor/groups/2FA',
    event: 'admin.profile-updated profile:visitor',
    changes: { groups: { added: ['2FA'] } },
  },
  {
    what: 'creates a user',
    request: 'POST /tenants/T/users',
    body: { username: 'jan', email: 'jan@trail.example', password: SECRET },
    event: 'admin.user-created user:jan',
    changes: { email: { to: 'jan@trail.example' } },
  },
  {
    what: 'updates a user',
    request: 'PATCH /tenants/T/users/jan',
    body: { name: 'Jan Jansen' },
    event: 'admin.user-updated user:jan',
    changes: { name: { to: 'Jan Jansen' } },
  },
  {
    what: "sets a user's profile",
    request: 'PUT /tenants/T/users/jan/profile',
    body: { profile: 'visitor' },
    event: 'admin.user-updated user:jan',
    changes: { profile: { from: null, to: 'visitor' } },
  },
  {
    what: 'gives a user a group',
    request: 'PUT /tenants/T/users/jan/groups/reception',
    event: 'admin.user-updated user:jan',
    changes: { groups: { added: ['reception'] } },
  },
  {
    what: 'takes a group from a user',
    request: 'DELETE /tenants/T/users/jan/groups/reception',
    event: 'admin.user-updated user:jan',
    changes: { groups: { removed: ['reception'] } },
  },
  {
    what: 'resets a password',
    request: 'POST /tenants/T/users/jan/password',
    body: { password: SECOND },
    event: 'admin.password-reset user:jan',
  },
  {
    what: 'disables a user',
    request: 'POST /tenants/T/users/jan/disable',
    event: 'admin.user-disabled user:jan',
  },
  {
    what: 'enables a user',
    request: 'POST /tenants/T/users/jan/enable',
    event: 'admin.user-enabled user:jan',
  },
  {
    what: 'exempts a user',
    request: 'PUT /tenants/T/users/jan/exemption',
    body: { until: future, reason: 'abroad' },
    event: 'admin.user-exempted user:jan',
  },
  {
    what: 'ends an exemption',
    request: 'DELETE /tenants/T/users/jan/exemption',
    event: 'admin.exemption-removed user:jan',
  },
  {
    what: 'sets the policy',
    request: 'PUT /tenants/T/policy',
    body: { method: 'group', group: '2FA', effectiveFrom: future },
    event: 'admin.policy-changed policy',
    changes: { method: { from: 'off', to: 'group' } },
  },
  {
    what: 'sets SSO',
    request: 'PUT /tenants/T/sso',
    body: {
      domains: ['trail.example'],
      issuer: 'https://login.trail.example',
      clientId: 'idp',
      clientSecret: SSO_SECRET,
    },
    event: 'admin.sso-changed sso',
  },
  {
    what: 'registers an application',
    request: 'POST /tenants/T/clients',
    body: { client_id: 'desk', redirect_uris: ['https://desk.example/cb'] },
    event: 'admin.client-created client:desk',
  },
  {
    what: 'changes an application',
    request: 'PUT /tenants/T/clients/desk',
    body: { redirect_uris: ['https://desk.example/callback'] },
    event: 'admin.client-updated client:desk',
    changes: {
      redirect_uris: { from: ['https://desk.example/cb'], to: ['https://desk.example/callback'] },
    },
  },
  {
    what: 'removes an application',
    request: 'DELETE /tenants/T/clients/desk',
    event: 'admin.client-removed client:desk',
  },
  {
    what: 'takes a group from a profile',
    request: 'DELETE /tenants/T/profiles/visitor/groups/reception',
    event: 'admin.profile-updated profile:visitor',
  },
  {
    what: 'removes SSO',
    request: 'DELETE /tenants/T/sso',
    event: 'admin.sso-changed sso',
  },
  {
    what: 'disables the tenant',
    request: 'POST /tenants/T/disable',
    event: 'admin.tenant-disabled tenant:{T}',
  },
];

describe('every administration change leaves an audit event', function () {
  let token: string;
  let actor: string;
  let tenant: string;
  const future = new Date(Date.now() + 30 * 86400_000).toISOString();
  before(async function () {
    const signedIn = await operatorToken();
    token = signedIn.token;
    actor = `admin/${signedIn.operator.username}`;
    tenant = `trail-${randomBytes(4).toString('hex')}`;
  });

  for (const step of steps(future)) {
    it(`records who did what when an operator ${step.what}`, async function () {
      const [method, template] = step.request.split(' ') as [string, string];
      const path = template.replace('/T', `/${tenant}`);
      const body = template === '/tenants' ? { ...(step.body as object), id: tenant } : step.body;
      const answer = await call(token, method, path, body);
      expect(answer.status, JSON.stringify(answer.body)).to.be.within(200, 201);

      const [latest] = (await call(token, 'GET', `/tenants/${tenant}/audit-events?limit=1`)).body;
      const [type, target] = step.event.split(' ') as [string, string];
      expect(latest).to.include({ type, actor, target: target.replace('{T}', tenant) });
      if (step.changes) expect(latest.changes).to.deep.include(step.changes);
    });
  }

  it('never keeps a password, password hash or client secret in the trail', async function () {
    const events = (await call(token, 'GET', `/tenants/${tenant}/audit-events?limit=1000`)).body;
    expect(events).to.have.length.of.at.least(steps(future).length);
    const text = JSON.stringify(events);
    for (const secret of [SECRET, SECOND, SSO_SECRET, '$argon2', '"client_secret"']) {
      expect(text).not.to.contain(secret);
    }
  });

  it('filters the trail by type, account and time window', async function () {
    const base = `/tenants/${tenant}/audit-events`;
    const updates = (await call(token, 'GET', `${base}?type=admin.user-updated`)).body;
    expect(updates).to.have.length(4);
    const jans = (await call(token, 'GET', `${base}?account=jan`)).body;
    expect(new Set(jans.map((e: { target: string }) => e.target))).to.deep.equal(
      new Set(['user:jan']),
    );
    const later = (await call(token, 'GET', `${base}?from=${encodeURIComponent(future)}`)).body;
    expect(later).to.deep.equal([]);
    const earlier = (await call(token, 'GET', `${base}?to=2020-01-01T00:00`)).body;
    expect(earlier).to.deep.equal([]);
  });
});
