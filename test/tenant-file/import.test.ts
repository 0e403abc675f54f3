import { readFile } from 'node:fs/promises';
import { verify } from '@node-rs/argon2';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ClientModel } from '../../adapters/clients.ts';
import { connectDatabase, disconnectDatabase, trusted } from '../../adapters/connection.ts';
import { TenantModel } from '../../adapters/tenants.ts';
import { UserModel } from '../../adapters/users.ts';
import { exportTenant } from '../../provider/tenant-file/export.ts';
import { ImportConflictError, importTenantFile } from '../../provider/tenant-file/import.ts';
import type { TenantFile } from '../../provider/tenant-file/schema.ts';
import { validateTenantFile } from '../../provider/tenant-file/validate.ts';
import { startTestDatabase, type TestDatabase } from '../support/database.ts';

// The example file is also the fixture: it must stay importable.
const example = JSON.parse(
  await readFile(new URL('../../examples/demo-realm.json', import.meta.url), 'utf8'),
) as TenantFile;
// The tests reach into arbitrary corners of the file to break them, which a typed view forbids.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const demo = (): Loose => structuredClone(example);

function valid(input: unknown): TenantFile {
  const result = validateTenantFile(input);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.file;
}

async function exportAll(): Promise<TenantFile> {
  const files = await Promise.all(['demo', 'acme'].map(exportTenant));
  return { tenants: files.flatMap((file) => file?.tenants ?? []) };
}

// Only this file's tenants are touched: the database may be the one the whole run shares.
const ids = ['demo', 'acme'];
const ofTenants = { tenant: trusted({ $in: ids }) };
const tenantsOnly = { _id: trusted({ $in: ids }) };

async function wipe(): Promise<void> {
  await TenantModel.deleteMany(tenantsOnly);
  await UserModel.deleteMany(ofTenants);
  await ClientModel.deleteMany(ofTenants);
}

const countAll = async () => [
  await TenantModel.countDocuments(tenantsOnly),
  await UserModel.countDocuments(ofTenants),
  await ClientModel.countDocuments(ofTenants),
];

describe('tenant file import and export', function () {
  let owned: TestDatabase | undefined;

  // Under the shared root hooks the provider has already connected; otherwise bring a database.
  before(async function () {
    if (mongoose.connection.readyState !== 1) {
      owned = await startTestDatabase();
      await connectDatabase(owned.uri);
    }
    await Promise.all([UserModel.createIndexes(), ClientModel.createIndexes()]);
  });
  after(async function () {
    await wipe();
    if (!owned) return;
    await disconnectDatabase();
    await owned.stop();
  });
  beforeEach(wipe);

  it('accepts the example file', function () {
    expect(validateTenantFile(demo())).to.deep.include({ ok: true });
  });

  it('imports the example and exports the same shape', async function () {
    const summary = await importTenantFile(valid(demo()));
    expect(summary).to.deep.equal({
      tenants: { created: 2, updated: 0, unchanged: 0 },
      users: { created: 7, updated: 0, unchanged: 0 },
      clients: { created: 2, updated: 0, unchanged: 0 },
    });
    const exported = await exportAll();
    expect(validateTenantFile(exported).ok).to.equal(true);
    const tenant = exported.tenants[0]!;
    expect(tenant.twoFactor).to.deep.equal({
      method: 'group',
      group: '2FA',
      effectiveFrom: '2026-01-01T07:00:00.000Z',
    });
    expect(tenant).to.not.have.property('signingKeys');
    expect(tenant.clients).to.deep.equal(example.tenants[0]!.clients);
    for (const user of tenant.users!) {
      expect(user).to.not.have.property('password');
      expect(user.passwordHash).to.match(/^\$argon2id\$/);
    }
    expect(tenant.users!.find((u) => u.username === 'noor')).to.not.have.property('email');
  });

  it('stores an argon2id hash that verifies the password', async function () {
    await importTenantFile(valid(demo()));
    const jan = await UserModel.findOne({ tenant: 'demo', usernameKey: 'jan' }).lean();
    expect(jan?.passwordHash).to.match(/^\$argon2id\$/);
    expect(await verify(jan!.passwordHash!, 'demo-password-1')).to.equal(true);
    expect(await verify(jan!.passwordHash!, 'wrong-password')).to.equal(false);
  });

  it('changes nothing on a second import', async function () {
    await importTenantFile(valid(demo()));
    const before = await UserModel.find(ofTenants).sort({ _id: 1 }).lean();
    const tenantsBefore = await TenantModel.find(tenantsOnly).sort({ _id: 1 }).lean();
    const summary = await importTenantFile(valid(demo()));
    expect(summary).to.deep.equal({
      tenants: { created: 0, updated: 0, unchanged: 2 },
      users: { created: 0, updated: 0, unchanged: 7 },
      clients: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(await UserModel.find(ofTenants).sort({ _id: 1 }).lean()).to.deep.equal(before);
    expect(await TenantModel.find(tenantsOnly).sort({ _id: 1 }).lean()).to.deep.equal(
      tenantsBefore,
    );
  });

  it('round-trips an export into an empty database', async function () {
    await importTenantFile(valid(demo()));
    const first = await exportAll();
    await wipe();
    await importTenantFile(valid(first));
    expect(await exportAll()).to.deep.equal(first);
    const again = await importTenantFile(valid(first));
    expect(again.users).to.deep.equal({ created: 0, updated: 0, unchanged: 7 });
  });

  it('keeps signing keys and subject ids when the file changes', async function () {
    await importTenantFile(valid(demo()));
    const tenant = await TenantModel.findById('demo').lean();
    const jan = await UserModel.findOne({ tenant: 'demo', usernameKey: 'jan' }).lean();
    expect(tenant?.signingKeys).to.have.length(1);
    const changed = demo();
    changed.tenants[0].name = 'Demo Facilities B.V.';
    changed.tenants[0].twoFactor = { method: 'all', effectiveFrom: '2026-02-01T08:00:00+01:00' };
    changed.tenants[0].users[0] = {
      username: 'Jan',
      password: 'another-password',
      type: 'standard',
    };
    const summary = await importTenantFile(valid(changed));
    expect(summary.tenants).to.deep.equal({ created: 0, updated: 1, unchanged: 1 });
    expect(summary.users).to.deep.equal({ created: 0, updated: 1, unchanged: 6 });
    const after = await TenantModel.findById('demo').lean();
    expect(after?.signingKeys).to.deep.equal(tenant?.signingKeys);
    expect(after?.twoFactor).to.deep.include({ method: 'all' });
    expect(after?.twoFactor).to.not.have.property('group');
    expect(after?.twoFactor?.effectiveFrom?.toISOString()).to.equal('2026-02-01T07:00:00.000Z');
    const jan2 = await UserModel.findOne({ tenant: 'demo', usernameKey: 'jan' }).lean();
    expect(jan2?._id).to.equal(jan?._id);
    expect(jan2).to.include({ username: 'Jan' });
    expect(jan2).to.not.have.any.keys('email', 'emailKey', 'profile');
    expect(await verify(jan2!.passwordHash!, 'another-password')).to.equal(true);
  });

  it('leaves users and clients that are not in the file alone', async function () {
    await importTenantFile(valid(demo()));
    const smaller = demo();
    smaller.tenants[0].users = smaller.tenants[0].users.slice(0, 1);
    delete smaller.tenants[0].clients;
    await importTenantFile(valid(smaller));
    expect(await countAll()).to.deep.equal([2, 7, 2]);
  });

  const mistakes: [string, (file: Loose) => void, string][] = [
    [
      'unknown profile',
      (f) => (f.tenants[0].users[3].profile = 'suplier'),
      'tenants[0].users[3].profile: unknown profile "suplier"',
    ],
    [
      'bad tenant id',
      (f) => (f.tenants[1].id = 'Acme'),
      'tenants[1].id: must be lowercase letters, digits and dashes',
    ],
    ['unknown top-level key', (f) => (f.version = 1), 'version: unknown field'],
    [
      'unknown user key',
      (f) => (f.tenants[0].users[0].pasword = 'x'),
      'tenants[0].users[0].pasword: unknown field',
    ],
    ['missing name', (f) => delete f.tenants[1].name, 'tenants[1].name: is required'],
    [
      'unknown profile group',
      (f) => (f.tenants[0].profiles[0].groups = ['2fa']),
      'tenants[0].profiles[0].groups[0]: unknown group "2fa"',
    ],
    [
      'unknown user group',
      (f) => (f.tenants[0].users[1].groups = ['admins']),
      'tenants[0].users[1].groups[0]: unknown group "admins"',
    ],
    [
      'unknown policy group',
      (f) => (f.tenants[0].twoFactor.group = 'mfa'),
      'tenants[0].twoFactor.group: unknown group "mfa"',
    ],
    [
      'bad method',
      (f) => (f.tenants[0].twoFactor.method = 'some'),
      'tenants[0].twoFactor.method: must be one of off, all, group',
    ],
    [
      'group required',
      (f) => delete f.tenants[0].twoFactor.group,
      'tenants[0].twoFactor.group: is required when method is group',
    ],
    [
      'date required',
      (f) => delete f.tenants[1].twoFactor.effectiveFrom,
      'tenants[1].twoFactor.effectiveFrom: is required when method is all',
    ],
    [
      'date without zone',
      (f) => (f.tenants[1].twoFactor.effectiveFrom = '2026-01-01T00:00:00'),
      'tenants[1].twoFactor.effectiveFrom: must be an ISO 8601 instant with a zone, e.g. 2026-01-01T07:00:00Z',
    ],
    [
      'bad time zone',
      (f) => (f.tenants[0].timeZone = 'Europe/Amsterdm'),
      'tenants[0].timeZone: must be an IANA time zone such as Europe/Amsterdam',
    ],
    ['bad locale', (f) => (f.tenants[0].locale = 'de'), 'tenants[0].locale: must be en or nl'],
    [
      'duplicate tenant',
      (f) => (f.tenants[1].id = 'demo'),
      'tenants[1].id: duplicate tenant id "demo" (also tenants[0])',
    ],
    [
      'duplicate username',
      (f) => (f.tenants[0].users[1].username = 'JAN'),
      'tenants[0].users[1].username: duplicate username "jan" (also [0])',
    ],
    [
      'duplicate email',
      (f) => (f.tenants[0].users[2].email = 'Els@Contractor.example'),
      'tenants[0].users[2].email: duplicate email address "els@contractor.example" (also [1])',
    ],
    [
      'duplicate group',
      (f) => (f.tenants[0].groups[1].code = '2FA'),
      'tenants[0].groups[1].code: duplicate group code "2FA" (also [0])',
    ],
    [
      'duplicate profile',
      (f) => (f.tenants[0].profiles[1].code = 'supplier'),
      'tenants[0].profiles[1].code: duplicate profile code "supplier" (also [0])',
    ],
    [
      'duplicate client',
      (f) => f.tenants[0].clients.push({ ...f.tenants[0].clients[0] }),
      'tenants[0].clients[1].client_id: duplicate client id "workplace" (also [0])',
    ],
    [
      'bad type',
      (f) => (f.tenants[0].users[3].type = 'admin'),
      'tenants[0].users[3].type: must be standard or partner',
    ],
    [
      'two passwords',
      (f) => (f.tenants[0].users[0].passwordHash = '$argon2id$v=19$m=1,t=1,p=1$x$y'),
      'tenants[0].users[0].password: give either password or passwordHash, not both',
    ],
    [
      'not argon2id',
      (f) => (f.tenants[1].users[0] = { username: 'kees', passwordHash: '$2b$10$abc' }),
      'tenants[1].users[0].passwordHash: must be an argon2id PHC string ($argon2id$...)',
    ],
    [
      'display name',
      (f) => (f.tenants[0].users[0].email = 'Jan <jan@supplier.example>'),
      'tenants[0].users[0].email: must be a single plain email address',
    ],
    [
      'header break',
      (f) => (f.tenants[0].users[0].email = 'jan@supplier.example\r\nBcc: x@y.example'),
      'tenants[0].users[0].email: must be a single plain email address',
    ],
    [
      'address list',
      (f) => (f.tenants[0].users[0].email = 'jan@supplier.example,x@y.example'),
      'tenants[0].users[0].email: must be a single plain email address',
    ],
    [
      'no dot in domain',
      (f) => (f.tenants[0].users[0].email = 'jan@localhost'),
      'tenants[0].users[0].email: must be a single plain email address',
    ],
    [
      'bad username',
      (f) => (f.tenants[0].users[0].username = 'jan de vries'),
      'tenants[0].users[0].username: must be 1-64 letters, digits or . _ @ -',
    ],
    [
      'control character',
      (f) => (f.tenants[0].users[0].name = 'Jan\u0007'),
      'tenants[0].users[0].name: must not contain control characters',
    ],
    [
      'reserved client',
      (f) => (f.tenants[0].clients[0].client_id = 'account-console'),
      'tenants[0].clients[0].client_id: "account-console" is reserved',
    ],
    [
      'relative redirect',
      (f) => (f.tenants[0].clients[0].redirect_uris = ['/callback']),
      'tenants[0].clients[0].redirect_uris[0]: must be an absolute http(s) URL',
    ],
    [
      'fragment',
      (f) => (f.tenants[0].clients[0].redirect_uris = ['https://a.example/cb#x']),
      'tenants[0].clients[0].redirect_uris[0]: must not contain a fragment',
    ],
    [
      'missing redirects',
      (f) => delete f.tenants[1].clients[0].redirect_uris,
      'tenants[1].clients[0].redirect_uris: is required',
    ],
    [
      'sso issuer',
      (f) =>
        (f.tenants[1].sso = {
          domains: ['acme.example'],
          issuer: 'http://login.acme.example',
          clientId: 'idp',
          clientSecret: 's',
        }),
      'tenants[1].sso.issuer: must be an https URL (http only for 127.0.0.1 or localhost)',
    ],
    [
      'sso domain',
      (f) =>
        (f.tenants[1].sso = [
          {
            name: 'Entra',
            domains: ['Acme.example'],
            issuer: 'https://login.acme.example',
            clientId: 'idp',
            clientSecret: 's',
          },
        ]),
      'tenants[1].sso[0].domains[0]: must be a lowercase domain name',
    ],
    [
      'sso shape',
      (f) => (f.tenants[1].sso = 'acme.example'),
      'tenants[1].sso: must be an object or an array of objects',
    ],
  ];

  for (const [name, mutate, line] of mistakes) {
    it(`refuses a file with ${name} and writes nothing`, async function () {
      await importTenantFile(valid(demo()));
      const before = await exportAll();
      const file = demo();
      mutate(file);
      const result = validateTenantFile(file);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.errors).to.include(line);
      expect(await countAll()).to.deep.equal([2, 7, 2]);
      expect(await exportAll()).to.deep.equal(before);
    });
  }

  it('refuses, writing nothing, a file that conflicts with stored accounts', async function () {
    await importTenantFile(valid(demo()));
    await UserModel.create({
      _id: 'fed-1',
      tenant: 'acme',
      username: 'sam',
      usernameKey: 'sam',
      origin: 'federated',
    });
    await UserModel.create({
      _id: 'loc-1',
      tenant: 'demo',
      username: 'ann',
      usernameKey: 'ann',
      email: 'ann@x.example',
      emailKey: 'ann@x.example',
      groups: ['staff'],
    });
    const before = await exportAll();
    const file = demo();
    file.tenants[1].users.push({ username: 'SAM', password: 'pw-123456' });
    file.tenants[0].users[2].email = 'ANN@x.example';
    file.tenants[0].groups.pop();
    const attempt = importTenantFile(valid(file));
    const error = await attempt.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(ImportConflictError);
    expect((error as ImportConflictError).errors).to.have.members([
      'tenants[1].users[2].username: belongs to a federated account',
      'tenants[0].users[2].email: already used by user "ann"',
      'tenants[0].groups: group "staff" is still held by user "ann", who is not in the file',
    ]);
    expect(await exportAll()).to.deep.equal(before);
  });
});
