import { z } from 'zod';
import type { Tenant } from '../../../adapters/tenants.ts';
import { twoFactorSchema } from '../../tenant-file/schema.ts';
import type { TwoFactorPolicy } from '../../two-factor/decision.ts';
import { invalidInput } from '../errors.ts';
import { parseInput } from '../input.ts';
import { parseInstant } from '../local-time.ts';
import { requireClient, requireGroup } from './lookups.ts';

/**
 * A policy as operators write it: the import's fields, with `effectiveFrom` also taking a
 * wall-clock time in the tenant's time zone.
 */
export const policyInput = twoFactorSchema.extend({
  effectiveFrom: z.string().min(1).optional(),
  confirm: z.boolean().optional(),
});

/** The stored policy after checking it as the import does (provider/tenant-file/validate.ts). */
export async function readPolicy(
  tenant: Tenant,
  input: unknown,
): Promise<{ policy: TwoFactorPolicy; confirm: boolean }> {
  const entry = parseInput(policyInput, input);
  const problems: string[] = [];
  if (entry.method === 'group' && !entry.group)
    problems.push('group: is required when method is group');
  if (entry.method !== 'off' && !entry.effectiveFrom) {
    problems.push(`effectiveFrom: is required when method is ${entry.method}`);
  }
  // "off" asks nobody from the moment it is stored; a date or list would suggest otherwise.
  if (entry.method === 'off' && entry.effectiveFrom)
    problems.push('effectiveFrom: is not used when method is off');
  if (entry.method === 'off' && entry.clients)
    problems.push('clients: is not used when method is off');
  if (problems.length) throw invalidInput(problems);

  const effectiveFrom = entry.effectiveFrom
    ? parseInstant(entry.effectiveFrom, tenant.timeZone, 'effectiveFrom')
    : undefined;
  if (entry.group) requireGroup(tenant, entry.group);
  const clients = [...new Set(entry.clients ?? [])];
  for (const client of clients) await requireClient(tenant._id, client);

  return {
    policy: {
      method: entry.method,
      ...(entry.group && { group: entry.group }),
      ...(effectiveFrom && { effectiveFrom }),
      ...(clients.length && { clients }),
    },
    confirm: entry.confirm === true,
  };
}
