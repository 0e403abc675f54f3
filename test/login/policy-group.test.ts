import { expect } from 'chai';
import { textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { REDIRECT_URI, signInFully, signInWithPassword } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

describe('policy "group": holders of the 2FA group, directly or through their profile, get the email code', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
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
        {
          username: 'nina',
          email: 'nina@visitor.example',
          profile: 'visitor',
          groups: ['reception'],
        },
      ],
    });
  });

  it('asks a user holding the 2FA group directly for the code and signs in with amr pwd, otp, mfa', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo('dirk@supplier.example');
    const { tokens } = await signInFully(tenant.rp, inbox, {
      username: 'dirk',
      password: PASSWORD,
      email: 'dirk@supplier.example',
    });
    expect(inbox.countTo('dirk@supplier.example')).to.equal(before + 1);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(tokens.claims()!.acr).to.equal('urn:idp:acr:mfa');
  });

  it('asks a user whose profile holds the 2FA group for the code', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo('petra@supplier.example');
    const signIn = await signInWithPassword(tenant.rp, 'petra', PASSWORD);
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    expect(textOf(signIn.afterPassword.html)).to.contain('Check your email');
    expect(inbox.countTo('petra@supplier.example')).to.equal(before + 1);

    const { tokens } = await signInFully(tenant.rp, inbox, {
      username: 'petra',
      password: PASSWORD,
      email: 'petra@supplier.example',
    });
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('signs a user without the 2FA group in with the password alone and sends no email', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo('nina@visitor.example');
    const signIn = await signInWithPassword(tenant.rp, 'nina', PASSWORD);
    expect(signIn.afterPassword.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));

    const { tokens } = await signInFully(tenant.rp, inbox, {
      username: 'nina',
      password: PASSWORD,
    });
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
    expect(tokens.claims()!.acr).to.equal('urn:idp:acr:pwd');
    expect(inbox.countTo('nina@visitor.example')).to.equal(before);
  });
});
