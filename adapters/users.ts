import { createHash, randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { emailKeyId, indexUser, userIdFor, usernameKeyId } from './user-keys.ts';

/**
 * Users of every tenant. `_id` is the subject identifier (a UUID), stable across renames.
 * Lookup keys are kept lower-case beside the values people typed.
 */
const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    tenant: { type: String, required: true },
    username: { type: String, required: true },
    usernameKey: { type: String, required: true },
    email: { type: String },
    emailKey: { type: String },
    name: { type: String },
    passwordHash: { type: String },
    type: { type: String, enum: ['standard', 'partner'], default: 'standard' },
    origin: { type: String, enum: ['local', 'federated'], default: 'local' },
    profile: { type: String },
    groups: { type: [String], default: [] },
    disabled: { type: Boolean, default: false },
    /** Administration roles: `operator` in the admin tenant, `tenant-admin` in the others. */
    roles: { type: [String], default: undefined },
    /** An operator's time-limited exemption from the email code; kept after it ends, for show. */
    exemption: {
      type: new Schema(
        {
          until: { type: Date, required: true },
          reason: { type: String, required: true },
          by: { type: String, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
    /** The language of the account's pages and emails, once the account is known. */
    locale: { type: String, enum: ['en', 'nl'] },
    /** Federated accounts only: who vouches for them (upstream issuer) and as whom (its `sub`). */
    federatedIssuer: { type: String },
    federatedSubject: { type: String },
  },
  { collection: 'users', timestamps: true },
);

userSchema.index({ tenant: 1, usernameKey: 1 }, { unique: true });
userSchema.index({ tenant: 1, emailKey: 1 });
// Not unique: FerretDB 1.x has no partial indexes and local accounts lack both fields.
// provisionFederatedUser keeps the pair unique through the username derived from it.
userSchema.index({ tenant: 1, federatedIssuer: 1, federatedSubject: 1 });

export interface Exemption {
  until: Date;
  reason: string;
  /** Who granted it, as the audit trail names actors. */
  by: string;
}

export interface User {
  _id: string;
  tenant: string;
  username: string;
  usernameKey: string;
  email?: string;
  emailKey?: string;
  name?: string;
  passwordHash?: string;
  type: 'standard' | 'partner';
  origin: 'local' | 'federated';
  profile?: string;
  groups: string[];
  disabled: boolean;
  roles?: string[];
  exemption?: Exemption;
  locale?: 'en' | 'nl';
  federatedIssuer?: string;
  federatedSubject?: string;
  createdAt?: Date;
  updatedAt?: Date;
}
// Every write keeps the sign-in lookup keys current (user-keys.ts).
userSchema.post('save', async function (user: User) {
  await indexUser(user);
});
userSchema.post('insertMany', async function (inserted: unknown) {
  await Promise.all((inserted as User[]).map((user) => indexUser(user)));
});
userSchema.post(['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne'], async function () {
  const filter = this.getFilter();
  const written =
    typeof filter._id === 'string'
      ? await UserModel.find({ _id: filter._id }).lean<User[]>()
      : await UserModel.find(filter).lean<User[]>();
  await Promise.all(written.map((user) => indexUser(user)));
});

export const UserModel = mongoose.model('User', userSchema);

export const lookupKey = (value: string) => value.trim().toLowerCase();

/**
 * A local account by username or email address; federated accounts never sign in by password.
 * Found through the lookup keys (user-keys.ts), each checked against the account it names.
 */
export async function findLocalUser(tenant: string, identifier: string): Promise<User | null> {
  const key = lookupKey(identifier);
  const byName = await findUser(tenant, (await userIdFor(usernameKeyId(tenant, key))) ?? '');
  if (byName?.usernameKey === key && byName.origin === 'local') return byName;
  if (!key.includes('@')) return null;
  const byEmail = await findUser(tenant, (await userIdFor(emailKeyId(tenant, key))) ?? '');
  return byEmail?.emailKey === key && byEmail.origin === 'local' ? byEmail : null;
}

export async function findUser(tenant: string, id: string): Promise<User | null> {
  const user = await UserModel.findOne({ _id: id }).lean<User>();
  return user?.tenant === tenant ? user : null;
}

/** The username of a federated account: fixed by (issuer, subject), never by what they typed. */
export function deriveFederatedUsername(issuer: string, subject: string): string {
  const digest = createHash('sha256').update(`${issuer}\n${subject}`).digest('hex');
  return `fed-${digest.slice(0, 20)}`;
}

export interface FederatedIdentity {
  tenant: string;
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
  /** Only for a new account: the upstream's mapping. */
  profile?: string;
  groups?: string[];
}

/**
 * The account of an upstream identity, created just in time. It is found by (issuer, subject)
 * only, never by email address: an upstream that sends a local account's address gets an
 * account of its own, so no identity provider can take over a password account. Email and name
 * follow the upstream on every login; profile and groups are set once and then belong to the
 * tenant. Two first logins at once cannot create two accounts: the second insert hits the
 * unique (tenant, usernameKey) index, as the username is derived from the pair, and then reads
 * the first one's account.
 */
export async function provisionFederatedUser(identity: FederatedIdentity): Promise<User | null> {
  const { tenant, issuer, subject } = identity;
  const filter = { tenant, federatedIssuer: issuer, federatedSubject: subject };
  const username = deriveFederatedUsername(issuer, subject);
  const profile = {
    ...(identity.email && { email: identity.email, emailKey: lookupKey(identity.email) }),
    ...(identity.name && { name: identity.name }),
  };
  const update = {
    $set: profile,
    $setOnInsert: {
      _id: randomUUID(),
      username,
      usernameKey: lookupKey(username),
      type: 'standard',
      origin: 'federated',
      groups: identity.groups ?? [],
      disabled: false,
      ...(identity.profile && { profile: identity.profile }),
    },
  };
  try {
    return await UserModel.findOneAndUpdate(filter, update, {
      upsert: true,
      returnDocument: 'after',
    }).lean<User>();
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    return UserModel.findOne(filter).lean<User>();
  }
}
