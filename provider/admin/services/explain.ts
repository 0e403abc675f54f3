import { explainUser } from '../../cli/explain.ts';
import { now } from '../../clock.ts';
import { decideEmailCode } from '../../two-factor/decision.ts';
import { accountFacts, policyOf } from '../../two-factor/facts.ts';
import { describeExemption } from './describe.ts';
import { listClientsInQuestion } from './decisions.ts';
import { recordExemptionEnd } from './exemption-end.ts';
import { loadEnabledTenant, loadUser, requireClient } from './lookups.ts';

/**
 * Why a user needs a code now (provider/cli/explain.ts), for the application asked about, and
 * per application of the tenant, since a policy limited to some applications answers
 * differently for each. Looking is also when an ended exemption is recorded.
 */
export async function explainAccount(tenantId: string, username: string, clientId?: string) {
  const tenant = await loadEnabledTenant(tenantId);
  const user = await loadUser(tenantId, username);
  if (clientId) await requireClient(tenantId, clientId);
  await recordExemptionEnd(user);

  const explanation = await explainUser(tenantId, user.username, clientId ?? '');
  const byClient = (await listClientsInQuestion(tenantId)).map((client) => ({
    client,
    ...decideEmailCode({
      policy: policyOf(tenant),
      account: accountFacts(tenant.profiles, user),
      clientId: client,
      signIn: user.origin === 'federated' ? 'federated' : 'password',
      clientRequestsCode: false,
      now: now(),
    }),
  }));
  const exemption = describeExemption(user);
  return {
    ...explanation,
    client: clientId ?? null,
    facts: { ...explanation.facts, ...(exemption && { exemption }) },
    byClient,
  };
}
