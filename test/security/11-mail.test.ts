import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTenant } from '../../adapters/tenants.ts';
import { UserModel } from '../../adapters/users.ts';
import { validateTenantFile } from '../../provider/tenant-file/validate.ts';
import { reachCodePage, relyingPartyAt } from '../support/attacker.ts';
import { ChildProvider } from '../support/child-provider.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import { RecordingSmtp } from '../support/raw-smtp.ts';
import { REDIRECT_URI, signInWithPassword } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const cli = fileURLToPath(new URL('../../bin/idp.js', import.meta.url));

/** Addresses and names that would add a recipient or a header if they reached a mail header. */
const hostile: Array<{ field: 'email' | 'name'; value: string; what: string }> = [
  { field: 'email', value: 'jan@mail.example\r\nBcc: x@evil.example', what: 'CR/LF in the email' },
  { field: 'email', value: 'jan@mail.example\nBcc: x@evil.example', what: 'LF in the email' },
  { field: 'name', value: 'Jan\r\nBcc: x@evil.example', what: 'CR/LF in the name' },
  { field: 'name', value: 'Jan\rBcc: x@evil.example', what: 'CR in the name' },
  { field: 'email', value: '"A" <a@mail.example>', what: 'a display-name form' },
  { field: 'email', value: 'a@b.example,c@evil.example', what: 'two addresses' },
  { field: 'email', value: 'a@b.example;c@evil.example', what: 'two addresses with ;' },
  { field: 'email', value: 'a@b.example c@evil.example', what: 'two addresses with a space' },
];

function tenantFile(id: string, user: Record<string, unknown>) {
  return {
    tenants: [
      {
        id,
        name: 'Mail attack',
        twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
        users: [{ username: 'ok', email: 'ok@mail.example', password: 'pw-1' }, user],
      },
    ],
  };
}

function runImport(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'import', file],
      { env: { ...process.env, ...testEnvironment().env, LOG_LEVEL: 'warn' }, timeout: 30000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('security: what reaches the mail server', function () {
  for (const { field, value, what } of hostile) {
    // Catches: an import that stores header-breaking or multi-recipient values for the mailer.
    it(`refuses to import a user with ${what}, naming tenants[0].users[1].${field}`, function () {
      const user = { username: 'jan', email: 'jan@mail.example', [field]: value, password: 'pw-1' };
      const result = validateTenantFile(tenantFile('mail-attack', user));
      expect(result.ok).to.equal(false);
      const errors = result.ok ? [] : result.errors;
      expect(
        errors.some((line) => line.startsWith(`tenants[0].users[1].${field}:`)),
        errors.join('\n'),
      ).to.equal(true);
    });
  }

  // Catches: a command-line import that writes the good parts of a file with a poisoned user.
  it('refuses the whole file at the command line, names the path, and creates nothing', async function () {
    this.timeout(60000);
    const dir = await mkdtemp(join(tmpdir(), 'idp-mail-attack-'));
    try {
      const id = `mail-${randomBytes(4).toString('hex')}`;
      const file = join(dir, 'tenant.json');
      const user = { username: 'jan', email: 'a@b.example,c@evil.example', password: 'pw-1' };
      await writeFile(file, JSON.stringify(tenantFile(id, user)));
      const { code, output } = await runImport(file);
      expect(code, output).not.to.equal(0);
      expect(output).to.contain('tenants[0].users[1].email');
      expect(await findTenant(id)).to.equal(null);
      expect(await UserModel.countDocuments({ tenant: id })).to.equal(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Catches: a recipient taken from a parsed "Name <address>" string, which a name can extend.
  it('sends the code to exactly one envelope recipient, the stored address, whatever the name says', async function () {
    const email = 'jan@one-recipient.example';
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email, name: 'Jan <x@evil.example>, y@evil.example' }],
    });
    const { inbox } = testEnvironment();
    const before = inbox.messages.length;
    await reachCodePage(tenant.rp, 'jan', email);
    const mails = inbox.messages.slice(before);
    expect(mails).to.have.length(1);
    const mail = mails[0]!;
    expect(mail.to).to.deep.equal([email]);
    expect(mail.parsed.cc).to.equal(undefined);
    expect(mail.parsed.bcc).to.equal(undefined);
    const headerTo = mail.parsed.to;
    const addresses = (Array.isArray(headerTo) ? headerTo : [headerTo]).flatMap(
      (entry) => entry?.value.map((address) => address.address) ?? [],
    );
    expect(addresses).to.deep.equal([email]);
    expect(mail.parsed.headerLines.map((line) => line.line).join('\n')).not.to.contain(
      'evil.example',
    );
    expect(codeFrom(mail)).to.match(/^\d{6}$/);
  });

  // Catches: a mailer that hands any stored string to nodemailer, which turns
  // `jan@altered.example,x@evil.example` into the one recipient `"jan@altered.example,x"@evil.example`.
  it('mails nobody at another domain when the stored address was altered in the database behind the import', async function () {
    this.timeout(60000);
    const email = 'jan@altered.example';
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email }],
    });
    const altered = `${email},x@evil.example`;
    await UserModel.updateOne({ tenant: tenant.id, username: 'jan' }, { $set: { email: altered } });

    // A relay that accepts any recipient, as a real one would; the test inbox rejects odd ones.
    const relay = new RecordingSmtp();
    const child = await ChildProvider.start({ env: { SMTP_URL: await relay.start() } });
    try {
      const rp = await relyingPartyAt(child.baseUrl, tenant.id);
      const signIn = await signInWithPassword(rp, 'jan', PASSWORD);
      expect(signIn.afterPassword.status).to.be.below(500);
      expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
      expect(relay.recipients.filter((rcpt) => /evil\.example/.test(rcpt))).to.deep.equal([]);
    } finally {
      await child.stop();
      await relay.stop();
    }
  });
});
