import mongoose from 'mongoose';
import type { User } from './users.ts';

/**
 * Lookup keys for sign-in: `tenant:username:<key>` and `tenant:email:<key>` point to a user's
 * `_id`. An `_id` lookup is indexed on MongoDB and the cheapest there is on FerretDB 1.x (the only
 * filter it hands to SQLite), so the password step finds its account through these instead of
 * by field.
 *
 * The users store keeps them (hooks in users.ts, after every write) and start-up rebuilds them
 * all, so a crash between the two writes heals. A key is only believed while the user it names
 * still has that username or address (a rename leaves the old key behind, pointing nowhere).
 */
interface UserKey {
  _id: string;
  user: string;
}

const keys = () => mongoose.connection.collection<UserKey>('user_keys');

export const usernameKeyId = (tenant: string, key: string) => `${tenant}:username:${key}`;
export const emailKeyId = (tenant: string, key: string) => `${tenant}:email:${key}`;

export async function indexUser(
  user: Pick<User, '_id' | 'tenant' | 'usernameKey' | 'emailKey' | 'origin'>,
): Promise<void> {
  const entries = [usernameKeyId(user.tenant, user.usernameKey)];
  // Only local accounts sign in by address; a federated one never claims a local address.
  if (user.emailKey && user.origin === 'local')
    entries.push(emailKeyId(user.tenant, user.emailKey));
  await Promise.all(
    entries.map((_id) => keys().replaceOne({ _id }, { user: user._id }, { upsert: true })),
  );
}

export async function userIdFor(keyId: string): Promise<string | undefined> {
  return (await keys().findOne({ _id: keyId }))?.user;
}

/** Rebuilds every key from the users themselves (start-up); returns how many users it saw. */
export async function rebuildUserKeys(): Promise<number> {
  let seen = 0;
  const users = mongoose.connection.collection<User>('users').find(
    {},
    {
      projection: { tenant: 1, usernameKey: 1, emailKey: 1, origin: 1 },
    },
  );
  for await (const user of users) {
    await indexUser(user);
    seen++;
  }
  return seen;
}
