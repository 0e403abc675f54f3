import * as oidc from 'openid-client';
import { Browser, type Page } from './browser.ts';
import { codeFrom, type MailInbox } from './mail.ts';

export const REDIRECT_URI = 'http://127.0.0.1:8080/callback';

export interface RelyingParty {
  config: oidc.Configuration;
  clientId: string;
}

/** An application of the tenant, as openid-client (the certified client library) sees it. */
export async function relyingParty(
  issuer: string,
  clientId: string,
  secret: string,
): Promise<RelyingParty> {
  const config = await oidc.discovery(new URL(issuer), clientId, secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  return { config, clientId };
}

export interface PendingAuthorization {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

export async function startAuthorization(
  rp: RelyingParty,
  params: Record<string, string> = {},
): Promise<PendingAuthorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url: url.href, state, nonce, verifier };
}

export async function finishAuthorization(
  rp: RelyingParty,
  callbackUrl: string,
  pending: PendingAuthorization,
) {
  return oidc.authorizationCodeGrant(rp.config, new URL(callbackUrl), {
    pkceCodeVerifier: pending.verifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
  });
}

/** The callback's error, when the provider answered the client with one. */
export function callbackError(callbackUrl: string): string | null {
  return new URL(callbackUrl).searchParams.get('error');
}

export interface SignIn {
  browser: Browser;
  pending: PendingAuthorization;
  /** The page or callback after the password. */
  afterPassword: Page;
}

/** Identifier and password, as a person types them; stops at the code page or the callback. */
export async function signInWithPassword(
  rp: RelyingParty,
  username: string,
  password: string,
  options: { browser?: Browser; params?: Record<string, string> } = {},
): Promise<SignIn> {
  const browser = options.browser ?? new Browser();
  const pending = await startAuthorization(rp, options.params);
  const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
  const passwordPage = await browser.submit(identifierPage, '/identifier', {
    identifier: username,
  });
  const afterPassword = await browser.submit(
    passwordPage,
    '/password',
    { password },
    { stopAt: REDIRECT_URI },
  );
  return { browser, pending, afterPassword };
}

export async function submitCode(signIn: SignIn, code: string): Promise<Page> {
  return signIn.browser.submit(
    signIn.afterPassword,
    '/email-code',
    { code },
    { stopAt: REDIRECT_URI },
  );
}

/** The whole flow with the code read from the email; returns the tokens. */
export async function signInFully(
  rp: RelyingParty,
  inbox: MailInbox,
  user: { username: string; password: string; email?: string },
  options: { browser?: Browser; params?: Record<string, string> } = {},
) {
  const before = inbox.messages.length;
  const signIn = await signInWithPassword(rp, user.username, user.password, options);
  let callback = signIn.afterPassword;
  if (!callback.url.startsWith(REDIRECT_URI)) {
    const mail = await inbox.latestTo(user.email!, before);
    callback = await submitCode(signIn, codeFrom(mail));
  }
  if (!callback.url.startsWith(REDIRECT_URI))
    throw new Error(`sign-in did not return to the client:\n${callback.html.slice(0, 1500)}`);
  return { ...signIn, tokens: await finishAuthorization(rp, callback.url, signIn.pending) };
}
