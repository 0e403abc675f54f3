import { hash } from '@node-rs/argon2';
import mongoose from 'mongoose';
import { TenantModel } from '../../adapters/tenants.ts';
import { generateSigningKey } from '../../provider/signing-keys.ts';
import { importTenantFile } from '../../provider/tenant-file/import.ts';
import { validateTenantFile } from '../../provider/tenant-file/validate.ts';

export const REDIRECT = 'http://127.0.0.1:9/callback';
export const PASSWORD = 'benchmark-password-1';
export const BENCH_CLIENT = {
  client_id: 'bench',
  client_secret: 'bench-secret-0123456789abcdef0123',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code'],
};

export const userName = (i: number) => `user${i}`;
export const userEmail = (tenant: string, i: number) => `user${i}@${tenant}.bench.example`;

/** Two tenants for the flows: `bench-code` (policy all) and `bench-pwd` (policy off). */
export async function createFlowTenants(users: number): Promise<void> {
  const passwordHash = await hash(PASSWORD);
  const tenant = (id: string, method: 'all' | 'off') => ({
    id,
    name: id,
    timeZone: 'UTC',
    twoFactor: method === 'all' ? { method, effectiveFrom: '2026-01-01T00:00:00Z' } : { method },
    users: Array.from({ length: users }, (_, i) => ({
      username: userName(i),
      email: userEmail(id, i),
      passwordHash,
    })),
    clients: [BENCH_CLIENT],
  });
  const checked = validateTenantFile({
    tenants: [tenant('bench-code', 'all'), tenant('bench-pwd', 'off')],
  });
  if (!checked.ok) throw new Error(checked.errors.join('\n'));
  await importTenantFile(checked.file);
}

/**
 * Many tenants for the memory figure, written directly. RSA key generation takes tens of
 * milliseconds, so they share a pool of keys: what a provider instance holds is the same.
 */
export async function createManyTenants(count: number): Promise<string[]> {
  const keys = await Promise.all(Array.from({ length: 20 }, () => generateSigningKey()));
  const ids = Array.from({ length: count }, (_, i) => `many-${i}`);
  for (let start = 0; start < count; start += 500) {
    const batch = ids.slice(start, start + 500).map((id, i) => ({
      _id: id,
      name: id,
      locale: 'en',
      timeZone: 'UTC',
      twoFactor: { method: 'off' },
      groups: [],
      profiles: [],
      signingKeys: [keys[(start + i) % keys.length]],
      disabled: false,
    }));
    await TenantModel.collection.insertMany(batch as never[]);
  }
  await mongoose.connection.collection('clients').insertMany(
    ids.map((id) => ({
      _id: `${id}:bench`,
      tenant: id,
      clientId: 'bench',
      metadata: BENCH_CLIENT,
    })) as never[],
  );
  return ids;
}
