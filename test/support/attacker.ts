import { expect } from 'chai';
import mongoose from 'mongoose';
import { CLAIMS_COLLECTION } from '../../adapters/claims.ts';
import { findAuditEvents, type AuditEvent } from '../../adapters/audit-events.ts';
import { findLocalUser } from '../../adapters/users.ts';
import { freezeClock, nowMs } from '../../provider/clock.ts';
import { Browser, findForm, textOf, type Page } from './browser.ts';
import { ChildProvider } from './child-provider.ts';
import { testEnvironment } from './environment.ts';
import { codeFrom } from './mail.ts';
import {
  REDIRECT_URI,
  relyingParty,
  signInWithPassword,
  type RelyingParty,
  type SignIn,
} from './relying-party.ts';
import { CLIENT_SECRET, PASSWORD } from './tenants.ts';

/**
 * Helpers for the security tests: a browser that remembers everything the client could ever be
 * handed, raw form posts an attacker would craft, and looks into the database the product keeps.
 */

type RequestInit = Parameters<Browser['request']>[1];

/** A browser that keeps every redirect target and every Set-Cookie it was sent. */
export class RecordingBrowser extends Browser {
  readonly locations: string[] = [];
  readonly setCookies: string[] = [];

  override async request(url: string, init: RequestInit = {}) {
    const response = await super.request(url, init);
    const location = response.headers.get('location');
    if (location) this.locations.push(new URL(location, url).href);
    this.setCookies.push(...response.headers.getSetCookie());
    return response;
  }

  /** Redirects to the client's callback that carried an authorization code. */
  codesHandedOut(): string[] {
    return this.locations.filter(
      (location) => location.startsWith(REDIRECT_URI) && new URL(location).searchParams.has('code'),
    );
  }
}

export function expectNoCodeHandedOut(browser: RecordingBrowser, what = 'the client') {
  expect(browser.codesHandedOut(), `${what} was handed an authorization code`).to.deep.equal([]);
}

export function expectCallbackWithCode(page: Page) {
  expect(page.url, textOf(page.html).slice(0, 300)).to.match(
    new RegExp(`^${REDIRECT_URI}\\?code=`),
  );
}

/** A six-digit code that is not `code`, so a refusal is about the guess, not bad luck. */
export function wrongCodeFor(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

/** Identifier and password, then the code from the email; stops at the code page. */
export async function reachCodePage(
  rp: RelyingParty,
  username: string,
  email: string,
  options: { browser?: Browser; params?: Record<string, string>; password?: string } = {},
): Promise<{ signIn: SignIn; code: string }> {
  const { inbox } = testEnvironment();
  const before = inbox.messages.length;
  const signIn = await signInWithPassword(rp, username, options.password ?? PASSWORD, options);
  expect(signIn.afterPassword.url, 'the password alone must not finish').not.to.contain(
    REDIRECT_URI,
  );
  expect(signIn.afterPassword.html).to.contain('name="code"');
  return { signIn, code: codeFrom(await inbox.latestTo(email, before)) };
}

/** The absolute URL and hidden fields of the form on `page` posting to `…suffix`. */
export function formOn(page: Page, suffix: string) {
  const form = findForm(page.html, suffix);
  return { url: new URL(form.action, page.url).href, hidden: form.hidden };
}

/** The interaction uid named in the page's form actions. */
export function interactionUid(page: Page): string {
  const uid = /\/interaction\/([A-Za-z0-9_-]+)\//.exec(page.html)?.[1];
  if (!uid) throw new Error(`no interaction on the page:\n${page.html.slice(0, 1000)}`);
  return uid;
}

/** A raw POST with a body the attacker wrote by hand; the response page, not followed. */
export async function postRaw(
  browser: Browser,
  url: string,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
  headers: Record<string, string> = {},
): Promise<Page> {
  const response = await browser.request(url, {
    body,
    headers: { 'content-type': contentType, ...headers },
  });
  const location = response.headers.get('location');
  return {
    status: response.status,
    url: location ? new URL(location, url).href : url,
    html: await response.text(),
    headers: response.headers,
  };
}

/** `name=value&…`, encoding values but leaving the names as the attacker wrote them. */
export function rawForm(fields: Array<[string, string]>): string {
  return fields.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
}

export async function auditEventsOf(tenant: string): Promise<AuditEvent[]> {
  return findAuditEvents({ tenant, limit: 1000 });
}

export async function accountIdOf(tenant: string, username: string): Promise<string> {
  const user = await findLocalUser(tenant, username);
  if (!user) throw new Error(`no user ${username} in ${tenant}`);
  return user._id;
}

/** Claim markers (claims.ts) whose `_id` starts with `prefix`. */
export async function claimIdsStartingWith(prefix: string): Promise<string[]> {
  const docs = await mongoose.connection
    .collection<{ _id: string }>(CLAIMS_COLLECTION)
    .find({ _id: { $gte: prefix, $lt: `${prefix}\uffff` } })
    .toArray();
  return docs.map((doc) => doc._id);
}

const QUARTER_HOUR = 15 * 60 * 1000;

/**
 * Freezes the product clock, a little past the next budget window if the current one (15
 * minutes; hours start on a quarter too) ends within five minutes, so the counts of a test that
 * advances the clock by up to that much never straddle two windows. Only for tests on the
 * in-process provider: a ChildProvider keeps the real clock.
 */
export function steadyClock(): void {
  const at = nowMs();
  const next = Math.ceil(at / QUARTER_HOUR) * QUARTER_HOUR;
  freezeClock(new Date(next - at < 5 * 60_000 ? next + 1000 : at));
}

/** `idp serve` in its own process trusting X-Forwarded-* headers, as behind the operator's proxy. */
export async function startProxiedProvider(): Promise<ChildProvider> {
  return ChildProvider.start({ env: { TRUST_PROXY: 'true' } });
}

export async function relyingPartyAt(baseUrl: string, tenantId: string) {
  return relyingParty(`${baseUrl}/realms/${tenantId}`, 'workplace', CLIENT_SECRET);
}

/** The page text a person reads, with the per-sign-in values (tokens, uids) blanked out. */
export function comparableText(page: Page, typed: string[] = []): string {
  let text = textOf(page.html);
  for (const value of typed) text = text.split(value).join('…');
  return text;
}

/** Cookie names a response set. */
export function cookieNames(page: Page): string[] {
  return page.headers
    .getSetCookie()
    .map((cookie) => cookie.split('=')[0]!)
    .sort();
}
