import { z } from 'zod';
import { ACCENT_COLOR, isLogoUrl } from '../branding.ts';

/**
 * The shape of the tenant import file, which is also what export writes. Objects are strict so a
 * misspelt key is reported instead of silently ignored; client metadata is the one exception, as
 * oidc-provider owns that vocabulary and validates it when the client is loaded.
 */

const tenantIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const usernamePattern = /^[A-Za-z0-9._@-]{1,64}$/;
const codePattern = /^[A-Za-z0-9._-]{1,64}$/;
const domainPattern =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// A bare addr-spec only: a display name, list or header break would let one address field
// smuggle a second recipient into a mail header.
const emailPattern =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const controlCharacters = /[\p{Cc}\u2028\u2029]/u;

const text = (max = 200) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => !controlCharacters.test(value), {
      error: 'must not contain control characters',
    });

const code = z
  .string()
  .regex(codePattern, { error: 'must be 1-64 letters, digits, dots, dashes or underscores' });

const email = z
  .string()
  .max(254, { error: 'must be at most 254 characters' })
  .regex(emailPattern, { error: 'must be a single plain email address' });

/** The same rule outside imports (the code email checks the stored address with it). */
export function isPlainAddress(value: unknown): value is string {
  return email.safeParse(value).success;
}

export function isTimeZone(value: string): boolean {
  // Offsets such as "+01:00" are accepted by Intl but are not zones: they ignore daylight saving.
  if (!/^[A-Za-z][A-Za-z0-9_+/-]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isWebUrl(value: string, httpsOnly: boolean): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return !httpsOnly || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

const redirectUri = z
  .string()
  .refine((value) => isWebUrl(value, false), { error: 'must be an absolute http(s) URL' })
  .refine((value) => !value.includes('#'), { error: 'must not contain a fragment' });

const issuerUrl = z.string().refine((value) => isWebUrl(value, true), {
  error: 'must be an https URL (http only for 127.0.0.1 or localhost)',
});

const upstream = {
  domains: z
    .array(z.string().regex(domainPattern, { error: 'must be a lowercase domain name' }))
    .min(1, {
      error: 'must list at least one domain',
    }),
  issuer: issuerUrl,
  clientId: z.string().min(1, { error: 'must not be empty' }),
  clientSecret: z.string().min(1, { error: 'must not be empty' }),
};

/**
 * One upstream identity provider of the customer's SSO domain. `profile` and `groups` are given
 * to accounts created on first login; `endSession` also signs the user out upstream on logout.
 */
export const ssoUpstreamSchema = z.strictObject({
  ...upstream,
  name: text().optional(),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { error: 'must be a scope token' }))
    .optional(),
  endSession: z.boolean().optional(),
  profile: code.optional(),
  groups: z.array(code).optional(),
});

export const ssoSchema = z.union([ssoUpstreamSchema, z.array(ssoUpstreamSchema).min(1)]);

export const twoFactorSchema = z.strictObject({
  method: z.enum(['off', 'all', 'group'], { error: 'must be one of off, all, group' }),
  group: code.optional(),
  effectiveFrom: z.iso
    .datetime({
      offset: true,
      error: 'must be an ISO 8601 instant with a zone, e.g. 2026-01-01T07:00:00Z',
    })
    .optional(),
  /** Limits the policy to these applications; absent means all of the tenant's clients. */
  clients: z.array(z.string().min(1)).optional(),
});

/** How the tenant's sign-in pages look (provider/branding.ts); every field is optional. */
export const brandingSchema = z.strictObject({
  displayName: text().optional(),
  logoUrl: z
    .string()
    .max(2048, { error: 'must be at most 2048 characters' })
    .refine(isLogoUrl, { error: 'must be an https URL' })
    .optional(),
  accentColor: z.string().regex(ACCENT_COLOR, { error: 'must be a colour as #rrggbb' }).optional(),
});

const locale = z.enum(['en', 'nl'], { error: 'must be en or nl' });

export const groupSchema = z.strictObject({ code, name: text() });

export const profileSchema = z.strictObject({
  code,
  name: text(),
  groups: z.array(code).optional(),
});

export const userSchema = z.strictObject({
  username: z.string().regex(usernamePattern, { error: 'must be 1-64 letters, digits or . _ @ -' }),
  email: email.optional(),
  name: text().optional(),
  password: z.string().min(1, { error: 'must not be empty' }).max(1024).optional(),
  passwordHash: z
    .string()
    .startsWith('$argon2id$', { error: 'must be an argon2id PHC string ($argon2id$...)' })
    .optional(),
  type: z.enum(['standard', 'partner'], { error: 'must be standard or partner' }).optional(),
  profile: code.optional(),
  groups: z.array(code).optional(),
  disabled: z.boolean().optional(),
  locale: locale.optional(),
});

export const clientSchema = z.looseObject({
  client_id: z
    .string()
    .min(1, { error: 'must not be empty' })
    .refine((value) => value !== 'account-console', { error: '"account-console" is reserved' }),
  redirect_uris: z.array(redirectUri).min(1, { error: 'must list at least one URL' }),
  post_logout_redirect_uris: z.array(redirectUri).optional(),
});

export const tenantSchema = z.strictObject({
  id: z.string().regex(tenantIdPattern, { error: 'must be lowercase letters, digits and dashes' }),
  name: text(),
  locale: locale.optional(),
  timeZone: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Amsterdam' })
    .optional(),
  twoFactor: twoFactorSchema.optional(),
  sso: ssoSchema.optional(),
  branding: brandingSchema.optional(),
  groups: z.array(groupSchema).optional(),
  profiles: z.array(profileSchema).optional(),
  users: z.array(userSchema).optional(),
  clients: z.array(clientSchema).optional(),
});

export const tenantFileSchema = z.strictObject({ tenants: z.array(tenantSchema) });

export type TenantFile = z.output<typeof tenantFileSchema>;
export type TenantEntry = TenantFile['tenants'][number];
export type UserEntry = NonNullable<TenantEntry['users']>[number];
export type ClientEntry = NonNullable<TenantEntry['clients']>[number];
export type SsoSettings = z.output<typeof ssoSchema>;
