import { listClients } from '../../../adapters/clients.ts';
import type { Tenant } from '../../../adapters/tenants.ts';
import type { User } from '../../../adapters/users.ts';
import { decideEmailCode, type Decision, type TwoFactorPolicy } from '../../two-factor/decision.ts';
import { accountFacts } from '../../two-factor/facts.ts';

/**
 * The decision as administrators ask it: for one user, at one instant, under a given policy,
 * and for one application or any of the tenant's. Nothing here decides differently from the
 * sign-in; it calls the same pure function with the same facts.
 */

/** The applications a question is about: the one named, or all of the tenant's. */
export async function listClientsInQuestion(
  tenantId: string,
  clientId?: string,
): Promise<string[]> {
  if (clientId) return [clientId];
  const clients = (await listClients(tenantId)).map((client) => client.client_id);
  return clients.length ? clients : [''];
}

/**
 * Required when any of the applications would ask; the reason is that application's, or the
 * first application's when none would. No step-up is assumed: that is the client's to ask.
 */
export function decideAcross(input: {
  tenant: Pick<Tenant, 'profiles'>;
  user: User;
  policy: TwoFactorPolicy | undefined;
  clients: string[];
  at: Date;
}): Decision {
  const decisions = input.clients.map((clientId) =>
    decideEmailCode({
      policy: input.policy,
      account: accountFacts(input.tenant.profiles, input.user),
      clientId,
      signIn: input.user.origin === 'federated' ? 'federated' : 'password',
      clientRequestsCode: false,
      now: input.at,
    }),
  );
  return decisions.find((decision) => decision.required) ?? decisions[0]!;
}
