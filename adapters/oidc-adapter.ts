import mongoose from 'mongoose';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { claimOnce } from './claims.ts';
import { findClientMetadata } from './clients.ts';

/**
 * oidc-provider storage: one collection per model (`oidc_session`, `oidc_access_token`, ...), each
 * document keyed `tenant:id`. The payload is kept as a JSON string, so claim names with dots or
 * dollar signs never meet the server's field-name rules. `expiresAt` is checked on every read
 * (FerretDB has no TTL index) and the sweeper deletes what has expired. Clients are not stored
 * here: they come from the tenant's client store.
 */

interface Row {
  _id: string;
  tenant: string;
  payload: string;
  expiresAt?: Date;
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
}

export const expiringModels = [
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'Interaction',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'Grant',
  'BackchannelAuthenticationRequest',
];

export const POINTERS_COLLECTION = 'oidc_pointers';

const pointers = () =>
  mongoose.connection.collection<{ _id: string; id: string; expiresAt?: Date }>(
    POINTERS_COLLECTION,
  );

export function collectionFor(model: string): string {
  return `oidc_${model.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

/** Live means not yet expired; checked here because reads go by `_id` alone (see find). */
function live(row: Row | null): Row | null {
  return row && (!row.expiresAt || row.expiresAt > new Date()) ? row : null;
}

function reveal(row: Row | null): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return row.consumed ? { ...payload, consumed: row.consumed } : payload;
}

function requireString(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('adapter lookups take string ids');
  return value;
}

/** Deletes everything issued under a grant, in every model's collection. */
async function revokeGrant(tenant: string, grantId: string) {
  await Promise.all(
    expiringModels.map((model) =>
      mongoose.connection.collection<Row>(collectionFor(model)).deleteMany({ tenant, grantId }),
    ),
  );
}

export function adapterFor(tenant: string) {
  return class TenantAdapter implements Adapter {
    private readonly name: string;

    constructor(name: string) {
      this.name = name;
    }

    private get rows() {
      return mongoose.connection.collection<Row>(collectionFor(this.name));
    }

    private key(id: string) {
      return `${tenant}:${requireString(id)}`;
    }

    /** Secondary lookups (session uid, device user code) go through a pointer document. */
    private pointer(field: 'uid' | 'userCode', value: string) {
      return `${this.name}:${tenant}:${field}:${requireString(value)}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const fields: Omit<Row, '_id'> = { tenant, payload: JSON.stringify(payload) };
      if (expiresIn) fields.expiresAt = new Date(Date.now() + expiresIn * 1000);
      if (payload.grantId) fields.grantId = payload.grantId;
      if (payload.userCode) fields.userCode = payload.userCode;
      if (payload.uid) fields.uid = payload.uid;
      await this.rows.replaceOne({ _id: this.key(id) }, fields, { upsert: true });
      for (const field of ['uid', 'userCode'] as const) {
        if (!fields[field]) continue;
        const target = {
          _id: this.pointer(field, fields[field]),
          id: this.key(id),
          expiresAt: fields.expiresAt,
        };
        await pointers().replaceOne({ _id: target._id }, target, { upsert: true });
      }
    }

    /**
     * Every read filters on `_id` alone: indexed on MongoDB, and the only filter FerretDB 1.x hands
     * to SQLite (others are decoded document by document). Expiry is checked on the document.
     */
    async find(id: string) {
      if (this.name === 'Client') return findClientMetadata(tenant, requireString(id));
      return reveal(live(await this.rows.findOne({ _id: this.key(id) })));
    }

    private async findByPointer(field: 'uid' | 'userCode', value: string) {
      const found = await pointers().findOne({ _id: this.pointer(field, value) });
      const row = found && live(await this.rows.findOne({ _id: found.id }));
      // A pointer outlives a replaced document; it counts only while the document agrees.
      return reveal(row && row[field] === value ? row : null);
    }

    async findByUserCode(userCode: string) {
      return this.findByPointer('userCode', userCode);
    }

    async findByUid(uid: string) {
      return this.findByPointer('uid', uid);
    }

    /**
     * Codes and refresh tokens are used once. The claim decides the one winner among parallel
     * redemptions (claims.ts); a loser gets invalid_grant and, as for any replay, the grant is
     * revoked (RFC 6749, section 4.1.2).
     */
    async consume(id: string) {
      const key = this.key(id);
      const row = await this.rows.findOne({ _id: key });
      const expiresAt = row?.expiresAt ?? new Date(Date.now() + 24 * 3600 * 1000);
      if (!(await claimOnce(`${collectionFor(this.name)}:${key}:consumed`, expiresAt))) {
        if (row?.grantId) await revokeGrant(tenant, row.grantId);
        throw new errors.InvalidGrant('already used');
      }
      await this.rows.updateOne(
        { _id: key },
        { $set: { consumed: Math.floor(Date.now() / 1000) } },
      );
    }

    async destroy(id: string) {
      await this.rows.deleteOne({ _id: this.key(id) });
    }

    async revokeByGrantId(grantId: string) {
      await this.rows.deleteMany({ tenant, grantId: requireString(grantId) });
    }
  };
}
