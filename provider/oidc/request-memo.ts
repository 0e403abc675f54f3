import { findTenant, type Tenant } from '../../adapters/tenants.ts';
import { findUser, type User } from '../../adapters/users.ts';

const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Reads the same record once per HTTP request: oidc-provider asks for the account in several
 * places of one authorization (findAccount, each prompt check). Never across requests, so a
 * change made by an administrator applies at the next request.
 */
export function oncePerRequest<T>(
  request: object,
  key: string,
  read: () => Promise<T>,
): Promise<T> {
  let memo = memos.get(request);
  if (!memo) memos.set(request, (memo = new Map()));
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) memo.set(key, (value = read()));
  return value;
}

/** The tenant record, read once per request. */
export function tenantForRequest(request: object, tenantId: string): Promise<Tenant | null> {
  return oncePerRequest(request, `tenant:${tenantId}`, () => findTenant(tenantId));
}

/** An account of the request's tenant, read once per request. */
export function userForRequest(
  request: object,
  tenantId: string,
  accountId: string,
): Promise<User | null> {
  return oncePerRequest(request, `user:${accountId}`, () => findUser(tenantId, accountId));
}
