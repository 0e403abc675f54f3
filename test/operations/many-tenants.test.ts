import { expect } from 'chai';
import { advanceClock } from '../../provider/clock.ts';
import { testEnvironment } from '../support/environment.ts';
import { IsolatedStack } from '../support/isolated-stack.ts';
import { sample, scrape } from '../support/metrics.ts';
import { REDIRECT_URI, relyingParty, signInWithPassword } from '../support/relying-party.ts';
import { CLIENT_SECRET, createTenant } from '../support/tenants.ts';

async function heldInstances(baseUrl: string): Promise<number> {
  return sample(await scrape(baseUrl), 'idp_tenant_providers');
}

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
    expect(await heldInstances(provider.baseUrl)).to.equal(4);

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

describe('idle tenant instances', function () {
  it('are dropped once idle past their time, while those in use stay, and the gauge follows', async function () {
    const { provider, baseUrl } = testEnvironment();
    const { tenants, config } = provider.runtime;
    const idle = await createTenant();
    const busy = await createTenant();
    const discovery = (id: string) =>
      fetch(`${baseUrl}/realms/${id}/.well-known/openid-configuration`);
    expect(tenants.holds(idle.id) && tenants.holds(busy.id)).to.equal(true);

    advanceClock(config.tenantCache.idleMs / 2);
    expect((await discovery(busy.id)).status).to.equal(200);
    advanceClock(config.tenantCache.idleMs / 2 + 1000);
    expect(tenants.evictIdle()).to.be.at.least(1);

    expect(tenants.holds(idle.id)).to.equal(false);
    expect(tenants.holds(busy.id)).to.equal(true);
    expect(await heldInstances(baseUrl)).to.equal(tenants.size);
    // A dropped instance is rebuilt on its next request.
    expect((await discovery(idle.id)).status).to.equal(200);
    expect(tenants.holds(idle.id)).to.equal(true);
  });
});
