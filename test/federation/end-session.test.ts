import { expect } from 'chai';
import { findTenant } from '../../adapters/tenants.ts';
import { findLocalUser } from '../../adapters/users.ts';
import { forgetUpstreamConfig } from '../../provider/federation/discovery.ts';
import { findUpstreamEndSessionUrl } from '../../provider/federation/end-session.ts';
import { listUpstreams } from '../../provider/federation/upstreams.ts';
import { findForm } from '../support/browser.ts';
import {
  callbackError,
  finishAuthorization,
  REDIRECT_URI,
  startAuthorization,
} from '../support/relying-party.ts';
import { createSsoTenant, signInThroughUpstream, startUpstream } from '../support/upstream.ts';

const sessionOf = (accountId: string) => ({ oidc: { session: { accountId } } }) as never;

describe('logout at the upstream for federated sessions', function () {
  it('takes a federated user through RP-initiated logout to the upstream end-session', async function () {
    const upstream = await startUpstream();
    try {
      upstream.addUser({ sub: 'alice-0001', email: 'alice@acme.example' });
      const tenant = await createSsoTenant(upstream, {}, { endSession: true });
      const { browser } = await signInThroughUpstream(tenant.rp, 'alice@acme.example');

      const confirm = await browser.visit(`${tenant.issuer}/session/end?client_id=workplace`);
      const form = findForm(confirm.html, '/session/end/confirm');
      const done = await browser.visit(new URL(form.action, confirm.url).href, {
        form: { ...form.hidden, logout: 'yes' },
        stopAt: `${upstream.issuer}/session/end`,
      });
      expect(done.url.startsWith(`${upstream.issuer}/session/end?`)).to.equal(true);

      // Signed out here: the next silent authorization finds no session.
      const silent = await startAuthorization(tenant.rp, { prompt: 'none' });
      const answer = await browser.visit(silent.url, { stopAt: REDIRECT_URI });
      expect(callbackError(answer.url)).to.equal('login_required');
    } finally {
      await upstream.stop();
    }
  });

  it('sends a federated user to the upstream end-session endpoint when the tenant asks', async function () {
    const upstream = await startUpstream();
    try {
      upstream.addUser({ sub: 'alice-0001', email: 'alice@acme.example' });
      const withLogout = await createSsoTenant(
        upstream,
        { users: [{ username: 'jan', email: 'jan@supplier.example' }] },
        { endSession: true },
      );
      const { page, pending } = await signInThroughUpstream(withLogout.rp, 'alice@acme.example');
      const sub = (await finishAuthorization(withLogout.rp, page.url, pending)).claims()!.sub;
      const tenant = (await findTenant(withLogout.id))!;

      const url = new URL((await findUpstreamEndSessionUrl(tenant, sessionOf(sub)))!);
      expect(`${url.origin}${url.pathname}`).to.equal(`${upstream.issuer}/session/end`);
      expect(url.searchParams.get('client_id')).to.match(/^idp-/);

      const jan = await findLocalUser(withLogout.id, 'jan');
      expect(await findUpstreamEndSessionUrl(tenant, sessionOf(jan!._id))).to.equal(undefined);

      await upstream.stop();
      forgetUpstreamConfig(listUpstreams(tenant)[0]!);
      expect(await findUpstreamEndSessionUrl(tenant, sessionOf(sub))).to.equal(undefined);
    } finally {
      await upstream.stop();
    }
  });

  it('leaves the upstream session alone unless endSession is set', async function () {
    const upstream = await startUpstream();
    try {
      upstream.addUser({ sub: 'alice-0001', email: 'alice@acme.example' });
      const created = await createSsoTenant(upstream);
      const { page, pending } = await signInThroughUpstream(created.rp, 'alice@acme.example');
      const sub = (await finishAuthorization(created.rp, page.url, pending)).claims()!.sub;
      const tenant = (await findTenant(created.id))!;
      expect(await findUpstreamEndSessionUrl(tenant, sessionOf(sub))).to.equal(undefined);
    } finally {
      await upstream.stop();
    }
  });
});
