import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf } from '../support/browser.ts';
import { IsolatedStack } from '../support/isolated-stack.ts';
import { codeFrom } from '../support/mail.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  relyingParty,
  startAuthorization,
} from '../support/relying-party.ts';
import { CLIENT_SECRET, PASSWORD } from '../support/tenants.ts';

/** Two provider processes on one database, behind one public URL, as behind a load balancer. */
describe('several provider processes on one database', function () {
  this.timeout(120000);
  let stack: IsolatedStack;

  before(async function () {
    stack = new IsolatedStack();
    await stack.start();
  });
  after(async function () {
    await stack.stop();
  });

  async function twoProcesses(username: string, email: string) {
    const tenant = await stack.importTenant(
      { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      [{ username, email }],
    );
    const first = await stack.startProvider();
    const second = await stack.startProvider({ publicUrl: first.baseUrl });
    const rp = await relyingParty(`${first.baseUrl}/realms/${tenant}`, 'workplace', CLIENT_SECRET);
    const browser = new Browser();
    const pending = await startAuthorization(rp);
    const identifierPage = await browser.visit(pending.url);
    const passwordPage = await browser.submit(identifierPage, '/identifier', {
      identifier: username,
    });
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    // The same page as served by the other process: only the origin differs.
    const onSecond = { ...codePage, url: codePage.url.replace(first.baseUrl, second.baseUrl) };
    return { rp, browser, pending, codePage, onSecond, first, second };
  }

  it('finishes on the second process a sign-in started on the first', async function () {
    const flow = await twoProcesses('jan', 'jan@processes.example');
    const code = codeFrom(await stack.inbox.latestTo('jan@processes.example'));
    const callback = await flow.browser.submit(
      flow.onSecond,
      '/email-code',
      { code },
      { stopAt: REDIRECT_URI },
    );
    const tokens = await finishAuthorization(flow.rp, callback.url, flow.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('counts wrong codes across both processes: five in all, then the right code is refused', async function () {
    const flow = await twoProcesses('els', 'els@processes.example');
    const code = codeFrom(await stack.inbox.latestTo('els@processes.example'));
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      const page = i % 2 ? flow.onSecond : flow.codePage;
      await flow.browser.submit(page, '/email-code', { code: wrong });
    }
    const refused = await flow.browser.submit(
      flow.onSecond,
      '/email-code',
      { code },
      { stopAt: REDIRECT_URI },
    );
    expect(refused.url).to.not.contain(REDIRECT_URI);
    expect(refused.html).to.contain('Too many incorrect codes');
  });

  it('counts wrong passwords across both processes: after ten in all, the right one is refused', async function () {
    const tenant = await stack.importTenant({ method: 'off' }, [
      { username: 'kees', email: 'kees@processes.example' },
    ]);
    const first = await stack.startProvider();
    const second = await stack.startProvider({ publicUrl: first.baseUrl });
    const rp = await relyingParty(`${first.baseUrl}/realms/${tenant}`, 'workplace', CLIENT_SECRET);
    const browser = new Browser();
    const identifierPage = await browser.visit((await startAuthorization(rp)).url);
    const onFirst = await browser.submit(identifierPage, '/identifier', { identifier: 'kees' });
    const onSecond = { ...onFirst, url: onFirst.url.replace(first.baseUrl, second.baseUrl) };

    for (let i = 0; i < 10; i++) {
      const page = await browser.submit(i % 2 ? onSecond : onFirst, '/password', {
        password: `wrong ${i}`,
      });
      expect(textOf(page.html)).to.contain(en['password.invalid']);
    }
    const refused = await browser.submit(
      onSecond,
      '/password',
      { password: PASSWORD },
      { stopAt: REDIRECT_URI },
    );
    expect(refused.url).to.not.contain(REDIRECT_URI);
    expect(textOf(refused.html)).to.contain(en['password.locked']);
  });
});
