import ejs from 'ejs';
import type { Context } from 'koa';
import mongoose from 'mongoose';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTenant, type Tenant } from '../adapters/tenants.ts';
import { brandOf } from './branding.ts';
import { listUpstreams } from './federation/upstreams.ts';
import {
  chooseLocale,
  isLocale,
  LOCALE_COOKIE,
  locales,
  parseAcceptLanguage,
  translator,
  type Locale,
  type MessageId,
  type Translate,
} from './i18n.ts';
import { TENANT_ID } from './tenant-registry.ts';

export const viewsDir = fileURLToPath(new URL('../views/', import.meta.url));

/** What every page's layout shows; views only show values. */
export interface PageFrame {
  locale: Locale;
  t: Translate;
  tenantName?: string;
  /** The tenant whose page this is; renderPage finds it from the path when it is not given. */
  tenant?: Tenant;
  /** A GET address that shows this page again: the language switch of a page answering a POST. */
  home?: string;
  /** Origins a form on this page may end up at after redirects (the client, an upstream). */
  formTargets?: string[];
}

/**
 * The page language. A language picked with the switch on the pages (`?lang=`, then the
 * `idp_lang` cookie) wins: it is what the person at the screen just asked for. Then the
 * account's own `locale`, once the account is known (callers pass it only after the password:
 * a page that changed language on the username alone would tell which accounts exist), then the
 * client's `ui_locales` (OIDC Core 1.0, section 3.1.2.1), the tenant's language, and the
 * browser's Accept-Language. Unsupported values are skipped at every step.
 */
export function pageLocale(
  ctx: Context,
  uiLocales?: unknown,
  tenantLocale?: string,
  userLocale?: string,
): Locale {
  const picked = [queryLocale(ctx), ctx.cookies.get(LOCALE_COOKIE, { signed: false })];
  const asked = typeof uiLocales === 'string' ? uiLocales.split(' ') : [];
  const browser = parseAcceptLanguage(ctx.get('accept-language'));
  return chooseLocale([...picked, userLocale, ...asked, tenantLocale, ...browser]);
}

export function frameFor(locale: Locale, tenantName?: string): PageFrame {
  return { locale, t: translator(locale), tenantName };
}

function queryLocale(ctx: Context): Locale | undefined {
  const lang = ctx.query.lang;
  return isLocale(lang) ? lang : undefined;
}

/**
 * Headers for every page a person sees: never cached (they carry per-sign-in state), never
 * framed (clickjacking), and a CSP that allows only this origin's own styles and scripts, so no
 * inline script or style runs. `form-action` also governs the redirects after a form is posted
 * (Chromium enforces it there), so it names where this page's forms lead: the client's
 * redirect URI and the tenant's identity providers.
 */
export function setPageHeaders(
  ctx: Context,
  sources: { form?: string[]; img?: string[] } = {},
): void {
  const form = ["'self'", ...new Set(sources.form ?? [])].join(' ');
  const img = ["'self'", ...new Set(sources.img ?? [])].join(' ');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'self'; script-src 'self'; img-src ${img}; ` +
      `form-action ${form}; frame-ancestors 'none'; base-uri 'none'`,
  );
}

export async function renderPage(
  ctx: Context,
  view: string,
  frame: PageFrame,
  locals: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const complete = await completeFrame(ctx, frame);
  const brand = complete.tenant ? brandOf(complete.tenant) : undefined;
  rememberLocale(ctx, complete.tenant);

  const tenantName = brand?.name ?? complete.tenantName;
  const file = path.join(viewsDir, `${view}.ejs`);
  const html = await ejs.renderFile(
    file,
    {
      application: undefined,
      error: undefined,
      notice: undefined,
      headingId: headingOf(view, locals),
      ...locals,
      // Only what the layout shows: the tenant document (signing keys and all) stays out.
      locale: complete.locale,
      t: complete.t,
      ...textHelpers(complete.t, tenantName),
      tenantName,
      brand,
      languages: languageLinks(ctx, complete),
      view,
    },
    { cache: true, async: false },
  );
  setPageHeaders(ctx, {
    form: formTargets(ctx, complete),
    img: brand?.logoUrl ? [new URL(brand.logoUrl).origin] : [],
  });
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = html;
}

/**
 * Pages rendered outside a sign-in step (errors, logout, the account page) get their tenant
 * from the path, so they wear its branding and speak its language. An unreachable database
 * only costs the branding: the error page about it must still render.
 */
async function completeFrame(ctx: Context, frame: PageFrame): Promise<PageFrame> {
  if (frame.tenant) return frame;
  const tenantId = tenantIdOf(ctx);
  if (!tenantId || mongoose.connection.readyState !== 1) return frame;

  const tenant = await findTenant(tenantId).catch(() => null);
  if (!tenant) return frame;
  const locale = pageLocale(ctx, undefined, tenant.locale);
  return { ...frame, ...frameFor(locale, tenant.name), tenant };
}

/** The tenant of a path `/realms/{tenant}/...`; oidc-provider sees its path without the prefix. */
function tenantIdOf(ctx: Context): string | undefined {
  const mounted = (ctx.req as { baseUrl?: string }).baseUrl ?? '';
  const id = /^\/realms\/([^/?]+)/.exec(mounted + ctx.path)?.[1];
  return id && TENANT_ID.test(id) ? id : undefined;
}

/** The switch's choice, kept for this tenant's pages only (the cookie's path is the tenant's). */
function rememberLocale(ctx: Context, tenant: Tenant | undefined): void {
  const lang = queryLocale(ctx);
  if (!lang || !tenant) return;
  ctx.cookies.set(LOCALE_COOKIE, lang, {
    path: `/realms/${tenant._id}`,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    signed: false,
    overwrite: true,
    maxAge: 365 * 24 * 60 * 60 * 1000,
  });
}

/**
 * Texts a view builds from catalogue entries: the document title (which also says when the
 * page shows an error, the first thing a screen reader reads), and a sentence split around one
 * placeholder so the view can set that value apart without HTML in the catalogue.
 */
function textHelpers(t: Translate, tenantName: string | undefined) {
  return {
    documentTitle(title?: string, error?: string): string {
      const fallback = tenantName ? t('page.title', { tenant: tenantName }) : t('error.heading');
      const page =
        title && tenantName ? t('page.title-step', { page: title, tenant: tenantName }) : '';
      const named = page || title || fallback;
      return error ? t('page.title-error', { title: named }) : named;
    },
    split(id: MessageId, key: string, values: Record<string, string> = {}): string[] {
      const marker = '\u0000';
      const [before = '', after = ''] = t(id, { ...values, [key]: marker }).split(marker);
      return [before, after];
    },
  };
}

export interface LanguageLink {
  locale: Locale;
  /** The language's own name, the same in every catalogue. */
  label: string;
  href: string;
  current: boolean;
}

/** The same page in each language: this GET address, or the page's home after a POST. */
function languageLinks(ctx: Context, frame: PageFrame): LanguageLink[] {
  const mounted = (ctx.req as { baseUrl?: string }).baseUrl ?? '';
  const here = ctx.method === 'GET' || ctx.method === 'HEAD' ? mounted + ctx.url : frame.home;
  if (!here) return [];
  return locales.map((locale) => {
    const url = new URL(here, 'http://page.invalid');
    url.searchParams.set('lang', locale);
    const label = translator(locale)(`language.${locale}`);
    return { locale, label, href: url.pathname + url.search, current: locale === frame.locale };
  });
}

/**
 * Known shortcoming: an identity provider whose authorization or end-session endpoint is on
 * another origin than its issuer is refused by form-action. Listing the endpoints from the
 * discovery cache (provider/federation/discovery.ts) would remove that.
 */
function formTargets(ctx: Context, frame: PageFrame): string[] {
  const targets: Array<string | undefined> = [...(frame.formTargets ?? [])];
  if (frame.tenant) targets.push(...listUpstreams(frame.tenant).map((u) => originOf(u.issuer)));
  // RP-initiated logout sends the browser on to the client's registered post-logout URI.
  const oidcParams = (ctx as { oidc?: { params?: Record<string, unknown> } }).oidc?.params;
  const postLogout = oidcParams?.post_logout_redirect_uri;
  if (typeof postLogout === 'string') targets.push(originOf(postLogout));
  return targets.filter((origin): origin is string => Boolean(origin));
}

export function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string' || !URL.canParse(url)) return undefined;
  const { protocol, origin } = new URL(url);
  return protocol === 'https:' || protocol === 'http:' ? origin : undefined;
}

const errorHeadings: Partial<Record<MessageId, MessageId>> = {
  'error.interaction-expired': 'error.interaction-expired.heading',
  'error.unknown-tenant': 'error.unknown-tenant.heading',
  'error.not-found': 'error.not-found.heading',
  'error.try-again': 'error.try-again.heading',
};

/** The error page's heading says what happened; other views name their own heading. */
function headingOf(view: string, locals: Record<string, unknown>): MessageId | undefined {
  if (view !== 'error') return undefined;
  return errorHeadings[locals.messageId as MessageId] ?? 'error.heading';
}
