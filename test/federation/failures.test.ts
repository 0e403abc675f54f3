import { expect } from 'chai';
import { UserModel } from '../../adapters/users.ts';
import { buildFederatedCallbackUrl } from '../../provider/federation/discovery.ts';
import { log } from '../../provider/logger.ts';
import { type Browser, type Page, textOf } from '../support/browser.ts';
import { callbackError, REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import {
  createSsoTenant,
  signInThroughUpstream,
  startUpstream,
  type TestUpstream,
} from '../support/upstream.ts';

const ALICE = { sub: 'alice-0001', email: 'alice@acme.example', name: 'Alice Acme' };

type Tenant = Awaited<ReturnType<typeof createSsoTenant>>;

/** The warnings the product logs while `run` goes, read from the logger itself. */
async function warningsDuring<T>(run: () => Promise<T>) {
  const warnings: Array<Record<string, unknown>> = [];
  const original = log.warn;
  log.warn = ((fields: Record<string, unknown>, message: string) => {
    warnings.push({ ...fields, message });
  }) as typeof log.warn;
  try {
    return { result: await run(), warnings };
  } finally {
    log.warn = original;
  }
}

/**
 * A failed federated login must leave nothing behind: a page saying so with the way back, the
 * reason in the log, no account, and no session (prompt=none answers login_required).
 */
async function expectCleanFailure(
  tenant: Tenant,
  browser: Browser,
  outcome: { page: Page; warnings: Array<Record<string, unknown>> },
  expected: { status: number; text: string; reason: string },
) {
  const { page, warnings } = outcome;
  expect(page.status).to.equal(expected.status);
  expect(textOf(page.html)).to.contain(expected.text);
  const uid = /\/interaction\/([^/?]+)/.exec(page.url)![1];
  const logged = warnings.find((warning) => warning.message === 'Federated login failed');
  expect(logged).to.include({ tenant: tenant.id, interaction: uid, reason: expected.reason });
  expect(await UserModel.countDocuments({ tenant: tenant.id, origin: 'federated' })).to.equal(0);

  const back = /<a class="button" href="([^"]+)"/.exec(page.html)![1]!;
  const identifierPage = await browser.visit(new URL(back, page.url).href);
  expect(textOf(identifierPage.html)).to.contain('Username or email address');

  const silent = await startAuthorization(tenant.rp, { prompt: 'none' });
  const answer = await browser.visit(silent.url, { stopAt: REDIRECT_URI });
  expect(callbackError(answer.url)).to.equal('login_required');
}

describe('federated login failures leave a clear page, no account and no session', function () {
  let upstream: TestUpstream;
  let tenant: Tenant;

  before(async function () {
    upstream = await startUpstream();
    upstream.addUser(ALICE);
    tenant = await createSsoTenant(upstream);
  });

  afterEach(() => {
    upstream.rewriteIdToken = undefined;
    upstream.login.cancel = false;
  });

  after(() => upstream.stop());

  it('refuses a callback whose state was tampered with', async function () {
    const stopAt = buildFederatedCallbackUrl(tenant.issuer);
    const run = await signInThroughUpstream(tenant.rp, ALICE.email, { stopAt });
    const url = new URL(run.page.url);
    const [uid] = url.searchParams.get('state')!.split('.');
    url.searchParams.set('state', `${uid}.${'A'.repeat(43)}`);

    const outcome = await warningsDuring(() => run.browser.visit(url.href));
    await expectCleanFailure(
      tenant,
      run.browser,
      { page: outcome.result, ...outcome },
      {
        status: 400,
        text: 'Signing in with Acme Staff did not complete',
        reason: 'state-mismatch',
      },
    );
  });

  it('refuses an ID token whose nonce is not the one sent', async function () {
    upstream.rewriteIdToken = (claims) => ({ ...claims, nonce: 'someone-elses-nonce' });
    const outcome = await warningsDuring(() => signInThroughUpstream(tenant.rp, ALICE.email));
    await expectCleanFailure(
      tenant,
      outcome.result.browser,
      { page: outcome.result.page, ...outcome },
      {
        status: 502,
        text: 'did not complete',
        reason: 'token-invalid',
      },
    );
  });

  it('refuses an expired ID token', async function () {
    const past = Math.floor(Date.now() / 1000) - 3600;
    upstream.rewriteIdToken = (claims) => ({ ...claims, iat: past - 600, exp: past });
    const outcome = await warningsDuring(() => signInThroughUpstream(tenant.rp, ALICE.email));
    await expectCleanFailure(
      tenant,
      outcome.result.browser,
      { page: outcome.result.page, ...outcome },
      {
        status: 502,
        text: 'did not complete',
        reason: 'token-expired',
      },
    );
  });

  it('says so when the person cancels at the identity provider', async function () {
    upstream.login.cancel = true;
    const outcome = await warningsDuring(() => signInThroughUpstream(tenant.rp, ALICE.email));
    await expectCleanFailure(
      tenant,
      outcome.result.browser,
      { page: outcome.result.page, ...outcome },
      {
        status: 400,
        text: 'Signing in with Acme Staff was cancelled.',
        reason: 'cancelled',
      },
    );
  });
});

describe('an identity provider that is down', function () {
  it('is reported before the person leaves, when discovery fails', async function () {
    const upstream = await startUpstream();
    const tenant = await createSsoTenant(upstream);
    await upstream.stop();

    const outcome = await warningsDuring(() => signInThroughUpstream(tenant.rp, ALICE.email));
    await expectCleanFailure(
      tenant,
      outcome.result.browser,
      { page: outcome.result.page, ...outcome },
      {
        status: 502,
        text: 'We could not reach Acme Staff just now.',
        reason: 'upstream-unreachable',
      },
    );
  });

  it('is reported when it goes down before the code is redeemed', async function () {
    const upstream = await startUpstream();
    upstream.addUser(ALICE);
    const tenant = await createSsoTenant(upstream);
    const stopAt = buildFederatedCallbackUrl(tenant.issuer);
    const run = await signInThroughUpstream(tenant.rp, ALICE.email, { stopAt });
    await upstream.stop();

    const outcome = await warningsDuring(() => run.browser.visit(run.page.url));
    await expectCleanFailure(
      tenant,
      run.browser,
      { page: outcome.result, ...outcome },
      {
        status: 502,
        text: 'We could not reach Acme Staff just now.',
        reason: 'upstream-unreachable',
      },
    );
  });
});
