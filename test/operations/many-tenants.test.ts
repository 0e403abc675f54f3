import { expect } from 'chai';
import { IsolatedStack } from '../support/isolated-stack.ts';
import { REDIRECT_URI, relyingParty, signInWithPassword } from '../support/relying-party.ts';
import { CLIENT_SECRET } from '../support/tenants.ts';

describe('many tenants in one process', function () {
  this.timeout(180000);
  let stack: IsolatedStack;

  before(async function () {
    stack = new IsolatedStack();
    await stack.start();
  });
  after(async function () {
    await stack.stop();
  });

  it('serves more tenants than it keeps in memory, rebuilding evicted ones without errors', async function () {
    const tenants: string[] = [];
    for (let i = 0; i < 12; i++) {
      tenants.push(
        await stack.importTenant({ method: 'off' }, [
          { username: 'piet', email: 'piet@many.example' },
        ]),
      );
    }
    const provider = await stack.startProvider({ env: { TENANT_CACHE_SIZE: '4' } });

    for (const round of [1, 2]) {
      for (const tenant of tenants) {
        const discovery = await fetch(
          `${provider.baseUrl}/realms/${tenant}/.well-known/openid-configuration`,
        );
        expect(discovery.status, `${tenant} round ${round}`).to.equal(200);
      }
    }
    const metrics = await (await fetch(`${provider.baseUrl}/metrics`)).text();
    const held = Number(/^idp_tenant_providers (\d+)/m.exec(metrics)?.[1]);
    expect(held).to.be.within(1, 4);

    // An evicted tenant still signs people in, with sessions and keys from the database.
    const rp = await relyingParty(
      `${provider.baseUrl}/realms/${tenants[0]}`,
      'workplace',
      CLIENT_SECRET,
    );
    const signIn = await signInWithPassword(rp, 'piet', 'correct horse battery staple');
    expect(signIn.afterPassword.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));
    expect(provider.output).to.not.match(/"level":50/);
  });
});
