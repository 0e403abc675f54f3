import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { findTenant, type Tenant, type TenantBranding } from '../adapters/tenants.ts';

/**
 * A tenant's look on its sign-in pages: display name, logo and accent colour, set in the tenant
 * document (import file `branding`). The pages allow no inline styles (CSP style-src 'self'), so
 * the colour reaches them as a small stylesheet per tenant, and the logo as an https image.
 */

export const ACCENT_COLOR = /^#[0-9a-fA-F]{6}$/;

/** Logos load from https only: a page served over https must not pull in plain-http content. */
export function isLogoUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

/** What a page shows of the tenant; values that fail validation are left out, never guessed at. */
export interface Brand {
  name: string;
  logoUrl?: string;
  /** Path of the tenant's stylesheet, versioned by its colour so caches never show an old one. */
  stylesheet?: string;
}

export function brandOf(tenant: Pick<Tenant, '_id' | 'name' | 'branding'>): Brand {
  const branding: TenantBranding = tenant.branding ?? {};
  const brand: Brand = { name: branding.displayName?.trim() || tenant.name };
  if (branding.logoUrl && isLogoUrl(branding.logoUrl)) brand.logoUrl = branding.logoUrl;
  const accent = branding.accentColor;
  if (accent && ACCENT_COLOR.test(accent)) {
    const version = createHash('sha256').update(accent.toLowerCase()).digest('hex').slice(0, 10);
    brand.stylesheet = `/realms/${tenant._id}/branding.css?v=${version}`;
  }
  return brand;
}

type Rgb = [number, number, number];

const parse = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
const format = (rgb: Rgb) =>
  `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
const mix = (a: Rgb, b: Rgb, share: number): Rgb => a.map((c, i) => c + (b[i]! - c) * share) as Rgb;

/** Relative luminance and contrast ratio, WCAG 2.2 (definitions of both terms). */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [high, low] = [luminance(parse(a)), luminance(parse(b))].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 20, 24];
const BLACK: Rgb = [0, 0, 0];
// WCAG 2.2 success criterion 1.4.3: 4.5:1 for body text, buttons included.
const TEXT_CONTRAST = 4.5;

/**
 * The colours a page derives from one accent: the accent itself for buttons, a text colour on
 * it that reaches 4.5:1, a darker shade for links and focus on the white card when the accent
 * is too light to read, and a tint for notices. Any accent a tenant picks stays readable, so
 * branding cannot break accessibility.
 */
export function accentPalette(accentColor: string) {
  const accent = parse(accentColor.toLowerCase());
  const hex = format(accent);
  // White or ink, whichever reads better; black when neither reaches 4.5:1 (mid greys), as
  // black always does where white does not.
  const better = contrast(hex, format(WHITE)) >= contrast(hex, format(INK)) ? WHITE : INK;
  const onAccent = contrast(hex, format(better)) >= TEXT_CONTRAST ? better : BLACK;
  let ink = accent;
  for (let share = 0.1; contrast(format(ink), '#ffffff') < TEXT_CONTRAST; share += 0.1) {
    ink = mix(accent, BLACK, Math.min(share, 1));
  }
  return {
    accent: hex,
    onAccent: format(onAccent),
    ink: format(ink),
    soft: format(mix(accent, WHITE, 0.9)),
  };
}

export function renderBrandingCss(accentColor: string): string {
  const palette = accentPalette(accentColor);
  return [
    '/* Tenant branding: colours derived from the accent in provider/branding.ts. */',
    ':root {',
    `  --accent: ${palette.accent};`,
    `  --on-accent: ${palette.onAccent};`,
    `  --accent-ink: ${palette.ink};`,
    `  --accent-soft: ${palette.soft};`,
    '}',
    '',
  ].join('\n');
}

/** GET /realms/{tenant}/branding.css: public, like the pages that link it. */
export async function serveBrandingCss(ctx: Context): Promise<void> {
  const tenant = await findTenant(String(ctx.params.tenant));
  const accent = tenant?.branding?.accentColor;
  ctx.type = 'text/css';
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (!accent || !ACCENT_COLOR.test(accent)) {
    ctx.status = 404;
    ctx.body = '/* no branding */\n';
    return;
  }
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.body = renderBrandingCss(accent);
}
