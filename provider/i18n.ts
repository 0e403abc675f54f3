import { en, type MessageId } from './messages/en.ts';
import { nl } from './messages/nl.ts';

export type { MessageId };
export type Locale = 'en' | 'nl';

export const catalogues: Record<Locale, Record<MessageId, string>> = { en, nl };
export const locales = Object.keys(catalogues) as Locale[];

export type Translate = (id: MessageId, values?: Record<string, string | number>) => string;

/** Picks the first supported language from a list of candidates (BCP 47 tags, best first). */
export function chooseLocale(
  candidates: Array<string | undefined>,
  fallback: Locale = 'en',
): Locale {
  for (const candidate of candidates) {
    const primary = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && (locales as string[]).includes(primary)) return primary as Locale;
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

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (id, values = {}) =>
    catalogue[id].replace(/\{(\w+)\}/g, (match, key: string) =>
      key in values ? String(values[key]) : match,
    );
}
