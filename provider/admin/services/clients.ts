import { randomBytes } from 'node:crypto';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import {
  ClientModel,
  clientKey,
  findClientMetadata,
  listClients,
  saveClient,
} from '../../../adapters/clients.ts';
import type { Tenant } from '../../../adapters/tenants.ts';
import { ACCOUNT_CLIENT_ID } from '../../account/client.ts';
import { buildConfiguration } from '../../oidc/configuration.ts';
import { clientSchema } from '../../tenant-file/schema.ts';
import type { AdminContext } from '../actor.ts';
import { compareFields, recordChange } from '../audit.ts';
import {
  alreadyExists,
  clientInUse,
  invalidInput,
  reservedClient,
  unknownClient,
} from '../errors.ts';
import { parseInput } from '../input.ts';
import { describeAdminClient } from './describe.ts';
import { loadTenant } from './lookups.ts';

/** The import's client schema, plus the flag that lets an application ask for admin tokens. */
export const clientInput = clientSchema.extend({ admin_api: z.boolean().optional() });

export async function listTenantClients(tenantId: string) {
  await loadTenant(tenantId);
  return (await listClients(tenantId)).map(describeAdminClient);
}

/**
 * oidc-provider owns the client vocabulary, so its own validation runs before anything is stored
 * (a throwaway instance: nothing is served from it).
 */
async function checkMetadata(tenant: Tenant, metadata: ClientMetadata): Promise<void> {
  const provider = new Provider(
    `http://127.0.0.1/realms/${tenant._id}`,
    buildConfiguration(tenant, { cookieKeys: [randomBytes(32).toString('hex')], codeHash: 'x' }),
  );
  try {
    await (provider.Client as unknown as { validate(m: ClientMetadata): Promise<void> }).validate(
      metadata,
    );
  } catch (error) {
    const problem = (error as { error_description?: string }).error_description;
    throw invalidInput([`client: ${problem ?? (error as Error).message}`]);
  }
}

/** A confidential client without a secret gets one, shown once in the answer. */
function withSecret(metadata: ClientMetadata) {
  const secretless = metadata.token_endpoint_auth_method === 'none';
  if (secretless || metadata.client_secret) return { metadata, generated: undefined };
  const secret = randomBytes(32).toString('base64url');
  return { metadata: { ...metadata, client_secret: secret }, generated: secret };
}

export async function createClient(admin: AdminContext, tenantId: string, input: unknown) {
  const tenant = await loadTenant(tenantId);
  const parsed = parseInput(clientInput, input) as ClientMetadata;
  if (await findClientMetadata(tenantId, parsed.client_id))
    throw alreadyExists('client', parsed.client_id);
  const { metadata, generated } = withSecret(parsed);
  await checkMetadata(tenant, metadata);

  await saveClient(tenantId, metadata);
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.client-created',
    target: `client:${metadata.client_id}`,
    changes: compareFields({}, describeAdminClient(metadata)),
  });
  return { ...describeAdminClient(metadata), ...(generated && { client_secret: generated }) };
}

/** Replaces the metadata; a missing `client_secret` keeps the stored one. */
export async function updateClient(
  admin: AdminContext,
  tenantId: string,
  clientId: string,
  input: unknown,
) {
  const tenant = await loadTenant(tenantId);
  if (clientId === ACCOUNT_CLIENT_ID) throw reservedClient(clientId);
  const current = await findClientMetadata(tenantId, clientId);
  if (!current) throw unknownClient(clientId);
  const body = { client_id: clientId, ...(input as object) };
  const parsed = parseInput(clientInput, body) as ClientMetadata;
  if (parsed.client_id !== clientId) throw invalidInput(['client_id: must match the address']);
  const metadata = { ...parsed, client_secret: parsed.client_secret ?? current.client_secret };
  await checkMetadata(tenant, metadata);

  await saveClient(tenantId, metadata);
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.client-updated',
    target: `client:${clientId}`,
    changes: compareFields(describeAdminClient(current), describeAdminClient(metadata)),
    detail: { secretChanged: metadata.client_secret !== current.client_secret },
  });
  return describeAdminClient(metadata);
}

export async function removeClient(admin: AdminContext, tenantId: string, clientId: string) {
  const tenant = await loadTenant(tenantId);
  if (clientId === ACCOUNT_CLIENT_ID) throw reservedClient(clientId);
  if (!(await findClientMetadata(tenantId, clientId))) throw unknownClient(clientId);
  // The policy's list would keep a name that no longer means anything, or a new client later.
  if (tenant.twoFactor?.clients?.includes(clientId)) throw clientInUse(clientId);

  await ClientModel.deleteOne({ _id: clientKey(tenantId, clientId) });
  await recordChange(admin, {
    tenant: tenantId,
    type: 'admin.client-removed',
    target: `client:${clientId}`,
  });
  return { removed: clientId };
}
