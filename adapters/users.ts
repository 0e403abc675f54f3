import mongoose, { Schema } from 'mongoose';

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
  },
  { collection: 'users', timestamps: true },
);

userSchema.index({ tenant: 1, usernameKey: 1 }, { unique: true });
userSchema.index({ tenant: 1, emailKey: 1 });

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
  createdAt?: Date;
  updatedAt?: Date;
}
export const UserModel = mongoose.model('User', userSchema);

export const lookupKey = (value: string) => value.trim().toLowerCase();

/** A local account by username or email address; federated accounts never sign in by password. */
export async function findLocalUser(tenant: string, identifier: string): Promise<User | null> {
  const key = lookupKey(identifier);
  const byName = await UserModel.findOne({
    tenant,
    usernameKey: key,
    origin: 'local',
  }).lean<User>();
  if (byName || !key.includes('@')) return byName;
  return UserModel.findOne({ tenant, emailKey: key, origin: 'local' }).lean<User>();
}

export async function findUser(tenant: string, id: string): Promise<User | null> {
  return UserModel.findOne({ _id: id, tenant }).lean<User>();
}
