import { expect } from 'chai';
import { advanceClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { textOf } from '../support/browser.ts';
import {
  claimIdsStartingWith,
  expectCallbackWithCode,
  formOn,
  interactionUid,
  postRaw,
  rawForm,
  reachCodePage,
  RecordingBrowser,
  steadyClock,
  wrongCodeFor,
} from '../support/attacker.ts';
import { testEnvironment } from '../support/environment.ts';
import { finishAuthorization, REDIRECT_URI, submitCode } from '../support/relying-party.ts';
import { createTenant } from '../support/tenants.ts';

const EMAIL = 'jan@races.example';

/**
 * Parallel requests against one interaction. FerretDB 1.x applies updates without a lock, so a
 * read-check-increment counter lets most of a burst through; only claims (inserts) hold.
 */
describe('security: racing the email-code step with parallel requests', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  beforeEach(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: EMAIL }],
    });
  });

  // Catches: tries counted with read-then-$inc, which lets a parallel burst compare far more than five.
  it('compares at most five of twenty parallel wrong codes, and the right code is refused afterwards', async function () {
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');

    const pages = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postRaw(
          browser,
          url,
          rawForm([
            ['csrf', hidden.csrf!],
            ['code', wrongCodeFor(code, i + 1)],
          ]),
        ),
      ),
    );
    for (const page of pages) expect(page.status).to.equal(200);
    const answeredNotCorrect = pages.filter((page) =>
      textOf(page.html).includes(en['email-code.invalid']),
    );
    expect(answeredNotCorrect.length, 'wrong codes compared before the fifth').to.be.at.most(4);

    const uid = interactionUid(signIn.afterPassword);
    const tries = (await claimIdsStartingWith(`${tenant.id}:${uid}:`)).filter((id) =>
      /:try#\d+$/.test(id),
    );
    expect(tries.length, 'tries claimed for the code').to.be.at.most(5);

    const after = await submitCode(signIn, code);
    expect(after.url).not.to.contain(REDIRECT_URI);
    expect(textOf(after.html)).to.match(
      new RegExp(`${regexpOf(en['email-code.too-many'])}|${regexpOf(en['email-code.locked'])}`),
    );
    expect(browser.codesHandedOut()).to.deep.equal([]);
  });

  // Catches: a code marked used after the login finished, so parallel posts each finish a login.
  it('finishes the sign-in exactly once when the right code is posted five times in parallel', async function () {
    const browser = new RecordingBrowser();
    const { signIn, code } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    const { url, hidden } = formOn(signIn.afterPassword, '/email-code');

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => browser.request(url, { form: { csrf: hidden.csrf!, code } })),
    );
    const accepted = responses.filter((response) => response.status === 303);
    expect(accepted, 'posts that finished the interaction').to.have.length(1);
    for (const response of responses) expect(response.status).to.be.below(500);

    // Every browser that got anywhere follows its redirect; only one reaches the client.
    const pages = await Promise.all(
      accepted.map((response) =>
        browser.visit(new URL(response.headers.get('location')!, url).href, {
          stopAt: REDIRECT_URI,
        }),
      ),
    );
    expect(browser.codesHandedOut()).to.have.length(1);
    expectCallbackWithCode(pages[0]!);
    const tokens = await finishAuthorization(tenant.rp, pages[0]!.url, signIn.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  // Catches: a resend cooldown checked by reading codeSentAt, which every parallel request passes.
  it('sends one email when ten resend requests arrive at once', async function () {
    steadyClock();
    const { inbox } = testEnvironment();
    const browser = new RecordingBrowser();
    const { signIn } = await reachCodePage(tenant.rp, 'jan', EMAIL, { browser });
    const before = inbox.countTo(EMAIL);
    advanceClock(31_000);

    const { url, hidden } = formOn(signIn.afterPassword, '/email-code/resend');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => browser.request(url, { form: hidden })),
    );
    for (const response of responses) expect(response.status).to.be.below(500);
    // Each request waits for its email to be accepted by the SMTP server before answering.
    expect(inbox.countTo(EMAIL) - before).to.equal(1);
  });
});

function regexpOf(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
