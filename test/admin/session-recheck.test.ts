import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  callbackError,
  finishAuthorization,
  REDIRECT_URI,
  signInFully,
  startAuthorization,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import { adminApp, adminToken, call, grantRole } from './support.ts';

const EMAIL = 'jan@visitor.example';

/** A tenant whose policy asks the 2FA group; jan's profile does not hold it yet. */
async function visitorTenant() {
  const tenant = await createTenant({
    twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
    profiles: [{ code: 'visitor', name: 'Visitor', groups: [] }],
    users: [
      { username: 'tina', email: 'tina@admins.example' },
      { username: 'jan', email: EMAIL, profile: 'visitor' },
    ],
  });
  await grantRole(tenant.id, 'tina', 'tenant-admin');
  const token = await adminToken(await adminApp(tenant.id), {
    username: 'tina',
    password: PASSWORD,
  });
  return { tenant, token };
}

describe('administration changes reach existing sessions at their next authorization request', function () {
  it('asks a signed-in user for the code once their profile gains the 2FA group through the API', async function () {
    const { inbox } = testEnvironment();
    const { tenant, token } = await visitorTenant();
    const first = await signInFully(tenant.rp, inbox, { username: 'jan', password: PASSWORD });
    expect(first.tokens.claims()!.amr).to.deep.equal(['pwd']);

    const changed = await call(token, 'PUT', `/tenants/${tenant.id}/profiles/visitor/groups/2FA`);
    expect(changed.status).to.equal(200);
    expect(changed.body.groups).to.deep.equal(['2FA']);

    const before = inbox.messages.length;
    const pending = await startAuthorization(tenant.rp);
    const page = await first.browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(textOf(page.html)).to.contain(en['email-code.heading']);
    expect(page.html).not.to.match(/name="password"/);

    const mail = await inbox.latestTo(EMAIL, before);
    const callback = await first.browser.submit(
      page,
      '/email-code',
      { code: codeFrom(mail) },
      { stopAt: REDIRECT_URI },
    );
    const tokens = await finishAuthorization(tenant.rp, callback.url, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('sends a user disabled through the API back to the sign-in', async function () {
    const { inbox } = testEnvironment();
    const { tenant, token } = await visitorTenant();
    const first = await signInFully(tenant.rp, inbox, { username: 'jan', password: PASSWORD });

    expect((await call(token, 'POST', `/tenants/${tenant.id}/users/jan/disable`)).status).to.equal(
      200,
    );
    const pending = await startAuthorization(tenant.rp, { prompt: 'none' });
    const callback = await first.browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callbackError(callback.url)).to.equal('login_required');
  });
});
