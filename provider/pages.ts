import ejs from 'ejs';
import type { Context } from 'koa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chooseLocale,
  parseAcceptLanguage,
  translator,
  type Locale,
  type Translate,
} from './i18n.ts';

export const viewsDir = fileURLToPath(new URL('../views/', import.meta.url));

/** What every page's layout shows; views only show values. */
export interface PageFrame {
  locale: Locale;
  t: Translate;
  tenantName?: string;
}

/**
 * Headers for every page a person sees: never cached (they carry per-sign-in state), never
 * framed (clickjacking), and a CSP that allows only this origin's own styles and scripts.
 */
export function setPageHeaders(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' https: data:; " +
      "form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'",
  );
}

export async function renderPage(
  ctx: Context,
  view: string,
  frame: PageFrame,
  locals: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const file = path.join(viewsDir, `${view}.ejs`);
  const html = await ejs.renderFile(
    file,
    { ...locals, ...frame, view },
    { cache: true, async: false },
  );
  setPageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = html;
}

/** The page language before the account is known: ui_locales, then tenant, then the browser. */
export function pageLocale(ctx: Context, uiLocales?: unknown, tenantLocale?: string): Locale {
  const asked = typeof uiLocales === 'string' ? uiLocales.split(' ') : [];
  const fallback = chooseLocale(parseAcceptLanguage(ctx.get('accept-language')));
  return chooseLocale([...asked, tenantLocale], fallback);
}

export function frameFor(locale: Locale, tenantName?: string): PageFrame {
  return { locale, t: translator(locale), tenantName };
}
