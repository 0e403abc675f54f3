import { randomBytes } from 'node:crypto';
import { importTenantFile } from '../../provider/tenant-file/import.ts';
import { validateTenantFile } from '../../provider/tenant-file/validate.ts';
import { testEnvironment } from './environment.ts';
import { REDIRECT_URI, relyingParty } from './relying-party.ts';

export const PASSWORD = 'correct horse battery staple';
export const CLIENT_SECRET = 'workplace-secret-0123456789abcdef';

export interface TenantOptions {
  twoFactor?: Record<string, unknown>;
  users?: Array<Record<string, unknown>>;
  groups?: Array<{ code: string; name: string }>;
  profiles?: Array<{ code: string; name: string; groups: string[] }>;
  extra?: Record<string, unknown>;
}

/**
 * A fresh tenant for one test, imported through the product's own import, with one application
 * (`workplace`). Every user gets PASSWORD unless the test says otherwise.
 */
export async function createTenant(options: TenantOptions = {}) {
  const id = `t-${randomBytes(5).toString('hex')}`;
  const file = {
    tenants: [
      {
        id,
        name: `Tenant ${id}`,
        locale: 'en',
        timeZone: 'Europe/Amsterdam',
        twoFactor: options.twoFactor ?? { method: 'off' },
        groups: options.groups ?? [{ code: '2FA', name: 'Two-factor authentication' }],
        profiles: options.profiles ?? [{ code: 'supplier', name: 'Supplier', groups: ['2FA'] }],
        users: (options.users ?? []).map((user) => ({ password: PASSWORD, ...user })),
        clients: [
          {
            client_id: 'workplace',
            client_secret: CLIENT_SECRET,
            client_name: 'Workplace',
            redirect_uris: [REDIRECT_URI],
            post_logout_redirect_uris: ['http://127.0.0.1:8080/'],
            grant_types: ['authorization_code', 'refresh_token'],
          },
        ],
        ...options.extra,
      },
    ],
  };
  const checked = validateTenantFile(file);
  if (!checked.ok) throw new Error(checked.errors.join('\n'));
  await importTenantFile(checked.file);

  const issuer = `${testEnvironment().baseUrl}/realms/${id}`;
  return { id, issuer, file, rp: await relyingParty(issuer, 'workplace', CLIENT_SECRET) };
}
