import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TenantModel, type Tenant } from '../../adapters/tenants.ts';
import { testEnvironment } from '../support/environment.ts';
import { REDIRECT_URI, relyingParty, signInWithPassword } from '../support/relying-party.ts';
import { CLIENT_SECRET, createTenant } from '../support/tenants.ts';

const cli = fileURLToPath(new URL('../../bin/idp.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `idp ...` as an operator types it on the server, against the test database. */
function idp(args: string[], stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...testEnvironment().env, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

async function idpJson(args: string[], stdin?: string) {
  const run = await idp(args, stdin);
  expect(run.code, run.stderr).to.equal(0);
  return JSON.parse(run.stdout);
}

describe('the idp command administers tenants through the same services as the API', function () {
  this.timeout(60000);
  const id = `cli-${randomBytes(4).toString('hex')}`;

  it('creates, lists and shows a tenant with the default 2FA group', async function () {
    const created = await idpJson([
      'tenant',
      'create',
      id,
      '--name',
      'Command line',
      '--time-zone',
      'Europe/Amsterdam',
    ]);
    expect(created).to.include({
      id,
      name: 'Command line',
      locale: 'en',
      timeZone: 'Europe/Amsterdam',
    });
    const listed = await idpJson(['tenant', 'list']);
    expect(listed.map((t: { id: string }) => t.id)).to.include(id);
    const shown = await idpJson(['tenant', 'show', id]);
    expect(shown.groups).to.deep.equal([{ code: '2FA', name: 'Two-factor authentication' }]);
    expect(JSON.stringify(shown)).not.to.contain('signingKeys');
  });

  it('sets a policy whose date without zone is the tenant wall-clock time, and asks to confirm a past one', async function () {
    const set = await idpJson([
      'policy',
      'set',
      id,
      '--method',
      'group',
      '--group',
      '2FA',
      '--from',
      '2027-01-04T08:00',
    ]);
    expect(set).to.include({ method: 'group', effectiveFrom: '2027-01-04T07:00:00.000Z' });
    const stored = await TenantModel.findOne({ _id: id }).lean<Tenant>();
    expect(stored!.twoFactor.effectiveFrom!.toISOString()).to.equal('2027-01-04T07:00:00.000Z');

    const past = await idp(['policy', 'set', id, '--method', 'all', '--from', '2026-01-05T08:00']);
    expect(past.code).to.equal(1);
    expect(past.stderr.trim().split('\n')).to.have.length(1);
    expect(past.stderr).to.match(
      /^idp: effective-date-in-past: The start date 2026-01-05T07:00:00.000Z is in the past/,
    );
    const confirmed = await idpJson([
      'policy',
      'set',
      id,
      '--method',
      'group',
      '--group',
      '2FA',
      '--from',
      '2026-01-05T08:00',
      '--confirm',
    ]);
    expect(confirmed.effectiveFrom).to.equal('2026-01-05T07:00:00.000Z');
  });

  it('registers an application and shows its generated secret once', async function () {
    const created = await idpJson([
      'client',
      'create',
      id,
      '--id',
      'workplace',
      '--redirect-uri',
      'https://app.example/cb',
    ]);
    expect(created.client_secret).to.have.length.of.at.least(32);
    const [listed] = (await idpJson(['client', 'list', id])).filter(
      (client: { client_id: string }) => client.client_id === 'workplace',
    );
    expect(listed).to.include({ has_client_secret: true });
    expect(listed.client_secret).to.equal(undefined);
  });

  it('creates users, gives a group, explains and previews, and records the shell login as actor', async function () {
    await idpJson(
      ['user', 'create', id, 'jan', '--email', 'jan@cli.example', '--password-stdin'],
      'a long password of jan\n',
    );
    await idpJson(['user', 'create', id, 'els', '--email', 'els@cli.example']);
    const given = await idpJson(['user', 'add-group', id, 'els', '2FA']);
    expect(given.groups).to.deep.equal(['2FA']);
    expect(given.hasPassword).to.equal(false);

    const explained = await idpJson(['explain', id, 'els', '--client', 'workplace']);
    expect(explained).to.include({ required: true, reason: 'group-direct', client: 'workplace' });
    const preview = await idpJson(['preview', id, '--method', 'all', '--from', '2030-01-01T00:00']);
    expect(preview.startNeeding.users).to.deep.equal([{ username: 'jan', reason: 'all-users' }]);
    expect(preview.notAskedUntilEffective.users).to.deep.equal(['els']);

    const events = await idpJson(['audit', id, '--account', 'els', '--type', 'admin.user-updated']);
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ actor: `cli:${userInfo().username}`, target: 'user:els' });
  });

  it('resets a password to a generated one that then signs in', async function () {
    const tenant = await createTenant({ users: [{ username: 'piet', email: 'piet@cli.example' }] });
    const reset = await idpJson(['user', 'reset-password', tenant.id, 'piet']);
    expect(reset.password).to.have.length.of.at.least(16);
    const rp = await relyingParty(tenant.issuer, 'workplace', CLIENT_SECRET);
    const signIn = await signInWithPassword(rp, 'piet', reset.password);
    expect(signIn.afterPassword.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));
  });

  it('fails with one line naming the problem and exit code 1', async function () {
    const cases: Array<[string[], RegExp]> = [
      [
        ['tenant', 'show', 'no-such-tenant'],
        /^idp: unknown-tenant: There is no tenant "no-such-tenant"\.$/,
      ],
      [
        ['user', 'show', id, 'nobody'],
        /^idp: unknown-user: There is no such user in this tenant\. \(no user "nobody"/,
      ],
      [
        ['user', 'add-group', id, 'jan', 'ghosts'],
        /^idp: unknown-group: There is no group "ghosts"/,
      ],
      [
        ['policy', 'set', id, '--method', 'sometimes'],
        /^idp: invalid-input: The request is not valid: method: must be one of off, all, group$/,
      ],
      [
        ['policy', 'set', id, '--methd', 'all'],
        /^idp: Unknown option '--methd'.*\(usage: idp policy set TENANT --method/,
      ],
      [['user', 'create', id], /^idp: usage: idp user create TENANT USER/],
      [['group', 'rename', id], /^idp: usage: idp group list\|create\|remove/],
    ];
    for (const [args, message] of cases) {
      const run = await idp(args);
      expect([run.code, run.stderr.trim().split('\n').length], args.join(' ')).to.deep.equal([
        1, 1,
      ]);
      expect(run.stderr.trim(), args.join(' ')).to.match(message);
    }
  });

  it('bootstraps the admin tenant with an operator, and creates only what is missing when run again', async function () {
    const username = `boot-${randomBytes(3).toString('hex')}`;
    const first = await idpJson([
      'admin',
      'bootstrap',
      '--username',
      username,
      '--email',
      `${username}@ops.example`,
    ]);
    expect(first.operator.username).to.equal(username);
    expect(first.operator.roles).to.deep.equal(['operator']);
    expect(first.operator.password).to.be.a('string');
    const again = await idpJson([
      'admin',
      'bootstrap',
      '--username',
      username,
      '--email',
      `${username}@ops.example`,
    ]);
    expect(again.tenant.created).to.equal(false);
    expect(again.operator.password).to.equal(undefined);
    const admin = await TenantModel.findOne({ _id: 'admin' }).lean<Tenant>();
    expect(admin!.twoFactor.method).to.equal('all');
  });
});
