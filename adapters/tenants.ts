import mongoose, { Schema } from 'mongoose';
import { RecentReads } from './recent-reads.ts';

/**
 * Tenants, one document each: settings, 2FA policy, groups, profiles and signing keys. Groups and
 * profiles live inside the tenant so that one import or admin change is one atomic update.
 */

const groupSchema = new Schema(
  { code: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const profileSchema = new Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    groups: { type: [String], default: [] },
  },
  { _id: false },
);

const tenantSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    locale: { type: String, enum: ['en', 'nl'], default: 'en' },
    timeZone: { type: String, default: 'UTC' },
    twoFactor: {
      method: { type: String, enum: ['off', 'all', 'group'], default: 'off' },
      group: { type: String },
      effectiveFrom: { type: Date },
      clients: { type: [String], default: undefined },
    },
    sso: { type: Schema.Types.Mixed },
    /** How the sign-in pages look; validated on import, and again where pages read it. */
    branding: {
      type: new Schema(
        { displayName: String, logoUrl: String, accentColor: String },
        { _id: false },
      ),
      default: undefined,
    },
    groups: { type: [groupSchema], default: [] },
    profiles: { type: [profileSchema], default: [] },
    /** Private JWKs, generated when the tenant is created; the first signs. */
    signingKeys: { type: [Schema.Types.Mixed], default: [] },
    disabled: { type: Boolean, default: false },
  },
  { collection: 'tenants', timestamps: true, minimize: false },
);

export interface TenantGroup {
  code: string;
  name: string;
}

export interface TenantProfile {
  code: string;
  name: string;
  groups: string[];
}

export interface TenantBranding {
  displayName?: string;
  /** https only. */
  logoUrl?: string;
  /** `#rrggbb`. */
  accentColor?: string;
}

export interface Tenant {
  _id: string;
  name: string;
  locale: 'en' | 'nl';
  timeZone: string;
  twoFactor: {
    method: 'off' | 'all' | 'group';
    group?: string;
    effectiveFrom?: Date;
    clients?: string[];
  };
  sso?: unknown;
  branding?: TenantBranding;
  groups: TenantGroup[];
  profiles: TenantProfile[];
  signingKeys: object[];
  disabled: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}
/** Recently read tenants (see recent-reads.ts): the most repeated read of every request. */
const recentTenants = new RecentReads<Tenant>(1000);
recentTenants.dropOnWrites(tenantSchema);

export const TenantModel = mongoose.model('Tenant', tenantSchema);

/** An enabled tenant, as read within the last RECHECK_MS. */
export async function findTenant(id: string): Promise<Tenant | null> {
  // `{ _id }` alone: indexed on MongoDB, and the only filter FerretDB 1.x hands to SQLite.
  const tenant = await recentTenants.read(id, () =>
    TenantModel.findOne({ _id: id }).lean<Tenant>().exec(),
  );
  return tenant && !tenant.disabled ? tenant : null;
}
