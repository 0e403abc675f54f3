import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { Browser } from '../support/browser.ts';
import { IsolatedStack } from '../support/isolated-stack.ts';
import { relyingParty, startAuthorization } from '../support/relying-party.ts';
import { CLIENT_SECRET, PASSWORD } from '../support/tenants.ts';

describe('shutting down on SIGTERM', function () {
  this.timeout(120000);
  let stack: IsolatedStack;
  let mailServer: Server;
  const sockets: Socket[] = [];

  beforeEach(async function () {
    stack = new IsolatedStack();
    await stack.start();
    // A mail server that accepts connections and never answers: the send takes its full timeout.
    mailServer = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => mailServer.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async function () {
    sockets.forEach((socket) => socket.destroy());
    mailServer.close();
    await stack.stop();
  });

  it('finishes the request in flight, refuses new ones, and exits cleanly', async function () {
    const tenant = await stack.importTenant(
      { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      [{ username: 'anna', email: 'anna@shutdown.example' }],
    );
    const smtpPort = (mailServer.address() as { port: number }).port;
    const provider = await stack.startProvider({
      env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, LOG_LEVEL: 'info' },
    });
    const rp = await relyingParty(
      `${provider.baseUrl}/realms/${tenant}`,
      'workplace',
      CLIENT_SECRET,
    );
    const browser = new Browser();
    const identifierPage = await browser.visit((await startAuthorization(rp)).url);
    const passwordPage = await browser.submit(identifierPage, '/identifier', {
      identifier: 'anna',
    });

    // The password is right, so the provider is now waiting on the mail server.
    const inFlight = browser.submit(
      passwordPage,
      '/password',
      { password: PASSWORD },
      { stopAt: `${provider.baseUrl}/realms/` },
    );
    for (let tries = 0; tries < 500 && sockets.length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sockets, 'the send has started').to.have.length.greaterThan(0);
    const exit = provider.terminate();

    // The request that was running gets its answer: the code page's "could not send" notice.
    const answered = await inFlight;
    expect(answered.status).to.equal(303);
    expect(answered.url).to.contain('notice=send-failed');
    expect(await exit).to.equal(0);
    const refused = await fetch(`${provider.baseUrl}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused, 'no new requests after shutdown').to.equal(true);
    expect(provider.output).to.contain('Shutting down');
    expect(provider.output).to.contain('"msg":"Stopped"');
  });
});
