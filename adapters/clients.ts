import mongoose, { Schema } from 'mongoose';
import { RecentReads } from './recent-reads.ts';
import type { ClientMetadata } from 'oidc-provider';

/** Applications (OIDC clients) of each tenant, keyed `tenant:client_id`; metadata as registered. */
const clientSchema = new Schema(
  {
    _id: { type: String, required: true },
    tenant: { type: String, required: true },
    clientId: { type: String, required: true },
    metadata: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'clients', timestamps: true, minimize: false },
);

clientSchema.index({ tenant: 1 });

/** Recently read clients (see recent-reads.ts): oidc-provider asks for one at most steps. */
const recentClients = new RecentReads<{ metadata: unknown }>(1000);
recentClients.dropOnWrites(clientSchema);

export const ClientModel = mongoose.model('Client', clientSchema);

export const clientKey = (tenant: string, clientId: string) => `${tenant}:${clientId}`;

export async function findClientMetadata(
  tenant: string,
  clientId: string,
): Promise<ClientMetadata | undefined> {
  const key = clientKey(tenant, clientId);
  const row = await recentClients.read(key, () => ClientModel.findOne({ _id: key }).lean().exec());
  return row ? (row.metadata as ClientMetadata) : undefined;
}

export async function saveClient(tenant: string, metadata: ClientMetadata): Promise<void> {
  await ClientModel.updateOne(
    { _id: clientKey(tenant, metadata.client_id) },
    { $set: { tenant, clientId: metadata.client_id, metadata } },
    { upsert: true },
  );
}

export async function listClients(tenant: string): Promise<ClientMetadata[]> {
  const rows = await ClientModel.find({ tenant }).sort({ clientId: 1 }).lean();
  return rows.map((row) => row.metadata as ClientMetadata);
}
