import { expect } from 'chai';
import { UserModel } from '../../adapters/users.ts';
import { Browser } from '../support/browser.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  signInFully,
  startAuthorization,
} from '../support/relying-party.ts';
import { testEnvironment } from '../support/environment.ts';
import { PASSWORD } from '../support/tenants.ts';
import { createSsoTenant, startUpstream } from '../support/upstream.ts';

describe('federated accounts are found by issuer and subject, never merged by email', function () {
  it("gives an upstream user with a local account's address an account of their own", async function () {
    const upstream = await startUpstream();
    try {
      upstream.addUser({ sub: 'dana-0004', email: 'dana@acme.example', name: 'Dana' });
      const tenant = await createSsoTenant(
        upstream,
        { users: [{ username: 'dana', email: 'dana@acme.example', type: 'standard' }] },
        { domains: ['staff.acme.example'] },
      );
      const local = await UserModel.findOne({ tenant: tenant.id, username: 'dana' }).lean();

      // The address is outside the SSO domain here, so the button is the way in.
      upstream.login.account = 'dana-0004';
      const browser = new Browser();
      const pending = await startAuthorization(tenant.rp);
      const identifierPage = await browser.visit(pending.url);
      const page = await browser.submit(
        identifierPage,
        '/federated/start?idp=0',
        {},
        {
          stopAt: REDIRECT_URI,
        },
      );
      const claims = (await finishAuthorization(tenant.rp, page.url, pending)).claims()!;

      expect(claims.sub).not.to.equal(local!._id);
      const federated = await UserModel.findOne({ _id: claims.sub }).lean();
      expect(federated).to.include({
        tenant: tenant.id,
        origin: 'federated',
        email: 'dana@acme.example',
        federatedSubject: 'dana-0004',
        type: 'standard',
      });
      expect(federated!.passwordHash).to.equal(undefined);
      expect(await UserModel.findOne({ _id: local!._id }).lean()).to.deep.equal(local);

      // The local account still signs in with its own password, as its own subject.
      const { tokens } = await signInFully(tenant.rp, testEnvironment().inbox, {
        username: 'dana@acme.example',
        password: PASSWORD,
      });
      expect(tokens.claims()!.sub).to.equal(local!._id);
      expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
    } finally {
      await upstream.stop();
    }
  });
});
