import { en, type MessageId } from './messages/en.ts';
import { nl } from './messages/nl.ts';

export type { MessageId };
export type Locale = 'en' | 'nl';

export const catalogues: Record<Locale, Record<MessageId, string>> = { en, nl };
export const locales = Object.keys(catalogues) as Locale[];

/** The language a person picked with the switch on the pages, per tenant (see pageLocale). */
export const LOCALE_COOKIE = 'idp_lang';

export type Translate = (id: MessageId, values?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as string[]).includes(value);
}

/** Picks the first supported language from a list of candidates (BCP 47 tags, best first). */
export function chooseLocale(
  candidates: Array<string | undefined>,
  fallback: Locale = 'en',
): Locale {
  for (const candidate of candidates) {
    const primary = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (isLocale(primary)) return primary;
  }
  return fallback;
}

/** Languages from an Accept-Language header, best first. */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((entry) => entry.tag);
}

/** Placeholders such as `{tenant}` that a text expects; both languages must use the same ones. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!))].sort();
}

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (id, values = {}) => {
    const text = catalogue[id];
    // A missing id is a programming error; the catalogue test keeps views and catalogue in step.
    if (text === undefined) throw new Error(`no message "${id}" in the ${locale} catalogue`);
    return text.replace(/\{(\w+)\}/g, (match, key: string) =>
      key in values ? String(values[key]) : match,
    );
  };
}
