import mongoose from 'mongoose';
import { claimOnce } from '../../adapters/claims.ts';

/**
 * Federated logins in progress, one document per interaction (`_id` = `tenant:uid`): which
 * upstream was asked, and the state, nonce and PKCE verifier sent with that request. They stay
 * on the server; the browser only carries the state, whose prefix names the interaction. A new
 * start replaces the document, and the callback consumes it in one atomic delete, so an
 * authorization response is exchanged at most once. The document expires with the interaction
 * or after ATTEMPT_TTL_MS, whichever is first (`expiresAt`, checked on every read).
 */
export const ATTEMPT_TTL_MS = 10 * 60 * 1000;

export interface FederatedAttempt {
  _id: string;
  tenant: string;
  uid: string;
  upstream: number;
  issuer: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  createdAt: Date;
  expiresAt: Date;
}

export const FEDERATED_ATTEMPTS = 'federated_attempts';

const attempts = () => mongoose.connection.collection<FederatedAttempt>(FEDERATED_ATTEMPTS);
const keyOf = (tenant: string, uid: string) => `${tenant}:${uid}`;

export async function saveFederatedAttempt(
  input: Omit<FederatedAttempt, '_id' | 'expiresAt'> & { interactionExpiresAt: Date },
): Promise<void> {
  const { interactionExpiresAt, ...fields } = input;
  const limit = input.createdAt.getTime() + ATTEMPT_TTL_MS;
  const expiresAt = new Date(Math.min(limit, interactionExpiresAt.getTime()));
  const _id = keyOf(input.tenant, input.uid);
  await attempts().replaceOne({ _id }, { ...fields, expiresAt }, { upsert: true });
}

/** Takes the attempt of this interaction away, or null when there is none that is still valid. */
export async function consumeFederatedAttempt(
  tenant: string,
  uid: string,
  now: Date,
): Promise<FederatedAttempt | null> {
  // FerretDB 1.x may hand the same document to two parallel findOneAndDeletes, so the one use
  // is decided by a claim (adapters/claims.ts); the lookup is by `_id` alone.
  const _id = keyOf(tenant, uid);
  const attempt = await attempts().findOne({ _id });
  if (!attempt || attempt.expiresAt <= now) return null;
  if (!(await claimOnce(`federated-callback:${_id}:${attempt.state}`, attempt.expiresAt)))
    return null;
  await attempts().deleteOne({ _id });
  return attempt;
}
