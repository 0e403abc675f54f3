import { expect } from 'chai';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import { REDIRECT_URI, signInFully, signInWithPassword } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import { textOf } from '../support/browser.ts';

describe('policy "all": every password login gets the email code, Partner accounts do not', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [
        { username: 'jan', email: 'jan@supplier.example', type: 'standard' },
        { username: 'pat', email: 'pat@partner.example', type: 'partner' },
      ],
    });
  });

  it('asks a standard user for the emailed code and signs in with amr pwd, otp, mfa', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.messages.length;
    const signIn = await signInWithPassword(tenant.rp, 'jan', PASSWORD);
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    expect(textOf(signIn.afterPassword.html)).to.contain('j***@su***.example');

    const mail = await inbox.latestTo('jan@supplier.example', before);
    expect(mail.to).to.deep.equal(['jan@supplier.example']);
    const { tokens } = await signInFully(tenant.rp, inbox, {
      username: 'jan',
      password: PASSWORD,
      email: 'jan@supplier.example',
    });
    const claims = tokens.claims()!;
    expect(claims.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(claims.acr).to.equal('urn:idp:acr:mfa');
    expect(codeFrom(mail)).to.match(/^\d{6}$/);
  });

  it('signs a Partner account in with the password alone', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo('pat@partner.example');
    const { tokens } = await signInFully(tenant.rp, inbox, { username: 'pat', password: PASSWORD });
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
    expect(inbox.countTo('pat@partner.example')).to.equal(before);
  });
});
