/**
 * Who is acting on the administration side. Operators sign in to the reserved admin tenant;
 * tenant administrators to their own tenant; shell access on the server counts as an operator.
 */
export const ADMIN_TENANT = 'admin';
export const OPERATOR_ROLE = 'operator';
export const TENANT_ADMIN_ROLE = 'tenant-admin';

export type ActorRole = 'operator' | 'tenant-admin' | 'none';

export interface Actor {
  role: ActorRole;
  /** How the audit trail names the actor: `tenant/username` or `cli:login`. */
  name: string;
  /** The tenant the actor signed in to (absent for the command line). */
  tenant?: string;
  /** The actor's account id in that tenant. */
  account?: string;
}

/** What every change needs besides its input: the actor, and how to refresh a cached tenant. */
export interface AdminContext {
  actor: Actor;
  /** Drops this process's cached provider of a tenant, so it is rebuilt from fresh settings. */
  evict(tenantId: string): void;
}

/** The roles a user of this tenant may hold. */
export function listRolesFor(tenantId: string): string[] {
  return tenantId === ADMIN_TENANT ? [OPERATOR_ROLE] : [TENANT_ADMIN_ROLE];
}

export const isOperator = (actor: Actor) => actor.role === 'operator';
