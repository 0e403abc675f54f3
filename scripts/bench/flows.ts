import * as oidc from 'openid-client';
import { Browser, findForm, type Page } from '../../test/support/browser.ts';
import { codeFrom, type MailInbox } from '../../test/support/mail.ts';
import { Samples, timed } from './stats.ts';
import { BENCH_CLIENT, PASSWORD, REDIRECT, userEmail, userName } from './setup.ts';

export interface FlowResult {
  flows: number;
  seconds: number;
  steps: Record<string, Samples>;
  failures: number;
}

type Flow = (worker: number, iteration: number, steps: Record<string, Samples>) => Promise<void>;

async function client(issuer: string) {
  return oidc.discovery(
    new URL(issuer),
    BENCH_CLIENT.client_id,
    BENCH_CLIENT.client_secret,
    undefined,
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
}

async function authorize(config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url: url.href, verifier, state };
}

async function exchange(
  config: oidc.Configuration,
  callback: Page,
  pending: { verifier: string; state: string },
) {
  if (!callback.url.startsWith(REDIRECT))
    throw new Error(`no callback: ${callback.status} ${callback.url}`);
  await oidc.authorizationCodeGrant(config, new URL(callback.url), {
    pkceCodeVerifier: pending.verifier,
    expectedState: pending.state,
  });
}

/** The product's flow: identifier, password, (email code read from SMTP), token. */
export async function productFlow(
  issuer: string,
  tenant: string,
  inbox: MailInbox | undefined,
  perWorker: number,
): Promise<Flow> {
  const config = await client(issuer);
  return async (worker, iteration, steps) => {
    const user = worker * perWorker + iteration;
    const browser = new Browser();
    const pending = await authorize(config);
    const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT });
    const passwordPage = await timed(steps.identifier!, () =>
      browser.submit(identifierPage, '/identifier', { identifier: userName(user) }),
    );
    const before = inbox?.messages.length ?? 0;
    let page = await timed(steps.password!, () =>
      browser.submit(passwordPage, '/password', { password: PASSWORD }, { stopAt: REDIRECT }),
    );
    if (inbox) {
      const mail = await inbox.latestTo(userEmail(tenant, user), before, 20000);
      const form = findForm(page.html, '/email-code');
      const action = new URL(form.action, page.url).href;
      const verify = await timed(steps['code verify']!, () =>
        browser.request(action, { form: { ...form.hidden, code: codeFrom(mail) } }),
      );
      const location = new URL(verify.headers.get('location') ?? '', action).href;
      page = await timed(steps['code → callback']!, () =>
        browser.visit(location, { stopAt: REDIRECT }),
      );
    }
    await timed(steps.token!, () => exchange(config, page, pending));
  };
}

/** The library alone: login form, consent form, token. */
export async function bareFlow(issuer: string): Promise<Flow> {
  const config = await client(issuer);
  return async (_worker, _iteration, steps) => {
    const browser = new Browser();
    const pending = await authorize(config);
    const loginPage = await browser.visit(pending.url, { stopAt: REDIRECT });
    const consentPage = await timed(steps.login!, () => browser.submit(loginPage, '/login', {}));
    const callback = await timed(steps.consent!, () =>
      browser.submit(consentPage, '/consent', {}, { stopAt: REDIRECT }),
    );
    await timed(steps.token!, () => exchange(config, callback, pending));
  };
}

/** Runs `iterations` flows in each of `concurrency` workers; counts failures instead of stopping. */
export async function runFlows(
  flow: Flow,
  stepNames: string[],
  concurrency: number,
  iterations: number,
): Promise<FlowResult> {
  const steps = Object.fromEntries(stepNames.map((name) => [name, new Samples()]));
  let failures = 0;
  let flows = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < iterations; i++) {
        try {
          await flow(worker, i, steps);
          flows++;
        } catch (error) {
          failures++;
          if (failures <= 3)
            console.error(`  flow failed: ${(error as Error).message.slice(0, 200)}`);
        }
      }
    }),
  );
  return { flows, seconds: (performance.now() - started) / 1000, steps, failures };
}
