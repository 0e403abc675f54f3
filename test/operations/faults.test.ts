import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { Browser, textOf } from '../support/browser.ts';
import { IsolatedStack, waitUntilOk } from '../support/isolated-stack.ts';
import { codeFrom } from '../support/mail.ts';
import { sample, scrape } from '../support/metrics.ts';
import {
  finishAuthorization,
  REDIRECT_URI,
  relyingParty,
  startAuthorization,
} from '../support/relying-party.ts';
import { CLIENT_SECRET, PASSWORD } from '../support/tenants.ts';

const everyone = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };

async function openPasswordPage(issuer: string, username: string) {
  const rp = await relyingParty(issuer, 'workplace', CLIENT_SECRET);
  const browser = new Browser();
  const pending = await startAuthorization(rp);
  const identifierPage = await browser.visit(pending.url);
  const passwordPage = await browser.submit(identifierPage, '/identifier', {
    identifier: username,
  });
  return { rp, browser, pending, passwordPage };
}

async function dependencyErrors(baseUrl: string, dependency: string): Promise<number> {
  return sample(await scrape(baseUrl), 'idp_dependency_errors_total', { dependency });
}

/** The points the account's send budget has spent (one claim per send; see provider/limits.ts). */
function sendClaims(stack: IsolatedStack, tenant: string): Promise<number> {
  return stack.inspect((db) =>
    db.collection('claims').countDocuments({
      _id: { $gt: `send-acc:${tenant}:`, $lt: `send-acc:${tenant};` },
    } as object),
  );
}

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('faults the provider survives', function () {
  this.timeout(120000);
  let stack: IsolatedStack;

  beforeEach(async function () {
    stack = new IsolatedStack();
    await stack.start();
  });
  afterEach(async function () {
    await stack.stop();
  });

  it('shows "try again" while the database is down, fails /readyz, and recovers by itself', async function () {
    const tenant = await stack.importTenant(everyone, [
      { username: 'jan', email: 'jan@faults.example' },
    ]);
    const provider = await stack.startProvider();
    const flow = await openPasswordPage(`${provider.baseUrl}/realms/${tenant}`, 'jan');

    await stack.database.halt!();
    const down = await flow.browser.submit(flow.passwordPage, '/password', { password: PASSWORD });
    expect(down.status).to.equal(503);
    expect(textOf(down.html)).to.contain(
      'The service is briefly unavailable. Try again in a moment.',
    );
    expect(down.html).to.not.match(/\bat \w+ \(|Mongo\w*Error/);
    const notReady = await fetch(`${provider.baseUrl}/readyz`);
    expect(notReady.status).to.equal(503);
    expect(await notReady.json()).to.deep.include({
      checks: { database: 'unavailable', keys: 'loaded' },
    });
    expect(await dependencyErrors(provider.baseUrl, 'database')).to.be.at.least(1);

    await stack.database.resume!();
    await waitUntilOk(`${provider.baseUrl}/readyz`);
    const codePage = await flow.browser.submit(flow.passwordPage, '/password', {
      password: PASSWORD,
    });
    const code = codeFrom(await stack.inbox.latestTo('jan@faults.example'));
    const callback = await flow.browser.submit(
      codePage,
      '/email-code',
      { code },
      { stopAt: REDIRECT_URI },
    );
    const tokens = await finishAuthorization(flow.rp, callback.url, flow.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('keeps the code page with a resend when the mail server is down, and signs in once it is back', async function () {
    const tenant = await stack.importTenant(everyone, [
      { username: 'els', email: 'els@faults.example' },
    ]);
    const provider = await stack.startProvider();
    const flow = await openPasswordPage(`${provider.baseUrl}/realms/${tenant}`, 'els');

    await stack.stopInbox();
    const failed = await flow.browser.submit(
      flow.passwordPage,
      '/password',
      { password: PASSWORD },
      { stopAt: REDIRECT_URI },
    );
    expect(failed.url).to.not.contain(REDIRECT_URI);
    expect(textOf(failed.html), failed.url + textOf(failed.html)).to.contain(
      'We could not send the email just now',
    );
    expect(failed.html).to.match(/<button type="submit" class="link"[^>]*data-wait="0"/);
    const events = await stack.inspect((db) =>
      db.collection('audit_events').find({ tenant, type: 'code.send-failed' }).toArray(),
    );
    expect(events).to.have.length(1);
    expect(await dependencyErrors(provider.baseUrl, 'smtp')).to.equal(1);
    // A send that failed does not count against the user's send budgets.
    expect(await sendClaims(stack, tenant)).to.equal(0);
    // The log says what failed and where, with the error's own code, and never the password.
    const failure = logLines(provider.output).find(
      (line) => line.msg === 'Could not send an email code',
    );
    expect(failure).to.include({ tenant });
    expect(failure!.interaction).to.be.a('string');
    expect((failure!.err as { code?: string }).code)
      .to.be.a('string')
      .and.not.equal('[Redacted]');
    expect(provider.output).to.not.contain(PASSWORD);

    await stack.restoreInbox();
    const resent = await flow.browser.submit(failed, '/email-code/resend', {});
    const code = codeFrom(await stack.inbox.latestTo('els@faults.example'));
    const callback = await flow.browser.submit(
      resent,
      '/email-code',
      { code },
      { stopAt: REDIRECT_URI },
    );
    expect(callback.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));
    expect(await sendClaims(stack, tenant)).to.equal(1);
  });

  it('gives up on a mail server that never answers within a bounded time, for every waiting sign-in', async function () {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    // More sign-ins than the mailer has connections: the later sends queue behind the first.
    const names = Array.from({ length: 20 }, (_, n) => `piet${n}`);
    try {
      const tenant = await stack.importTenant(
        everyone,
        names.map((username) => ({ username, email: `${username}@faults.example` })),
      );
      const provider = await stack.startProvider({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
      const issuer = `${provider.baseUrl}/realms/${tenant}`;
      const flows = await Promise.all(names.map((name) => openPasswordPage(issuer, name)));
      const started = Date.now();
      const pages = await Promise.all(
        flows.map(async (flow) => {
          const page = await flow.browser.submit(
            flow.passwordPage,
            '/password',
            { password: PASSWORD },
            { stopAt: REDIRECT_URI },
          );
          return { page, seconds: (Date.now() - started) / 1000 };
        }),
      );
      for (const { page, seconds } of pages) {
        expect(seconds, 'answered within the send deadline').to.be.below(15);
        expect(textOf(page.html)).to.contain('We could not send the email just now');
      }
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });
});
