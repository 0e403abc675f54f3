import type { Tenant } from '../../adapters/tenants.ts';
import type { User } from '../../adapters/users.ts';
import { tenantForRequest, userForRequest } from '../oidc/request-memo.ts';
import { now } from '../clock.ts';
import { requestsSecondFactor } from '../acr.ts';
import { decideEmailCode, type Decision, type SignInMethod } from './decision.ts';
import { accountFacts, policyOf } from './facts.ts';
import { noteExemptionEnd, recordExemptionEnd } from '../admin/services/exemption-end.ts';
import { decisions } from '../observability/metrics.ts';
import { LRUCache } from 'lru-cache';

/**
 * Interactions whose decision the metric has counted: a sign-in is decided after its password and
 * checked again when the authorization resumes, and counts once. Per process; an interaction that
 * resumes on another process may count twice.
 */
const counted = new LRUCache<string, true>({ max: 10_000, ttl: 60 * 60 * 1000 });

function countDecision(decision: Decision, interaction: string | undefined) {
  if (interaction) {
    if (counted.has(interaction)) return;
    counted.set(interaction, true);
  }
  decisions.inc({ reason: decision.reason, required: String(decision.required) });
}

/** The decision for one account and request, on the tenant as findTenant reads it. */
export function decideFor(input: {
  tenant: Tenant | null;
  user: User;
  clientId: string;
  signIn: SignInMethod;
  params: Record<string, unknown>;
  /**
   * For the decisions metric, when this decision gates a sign-in or an authorization: the
   * interaction it belongs to, if one exists yet. Absent: not counted (the account page).
   */
  metric?: { interaction?: string };
}): Decision {
  // An exemption past its end is recorded the first time a decision sees it (exactly once).
  noteExemptionEnd(input.user);
  const decision = decideEmailCode({
    policy: policyOf(input.tenant),
    account: accountFacts(input.tenant?.profiles ?? [], input.user),
    clientId: input.clientId,
    signIn: input.signIn,
    clientRequestsCode: requestsSecondFactor(input.params),
    now: now(),
  });
  if (input.metric) countDecision(decision, input.metric.interaction);
  return decision;
}

export function signInMethodOf(amr: string[] | undefined): SignInMethod {
  return amr?.includes('fed') ? 'federated' : 'password';
}

/**
 * For an existing session: `undefined` when the account is gone or disabled. Tenant and account
 * are read once per HTTP request (the dispatch and findAccount read them too).
 */
export async function decideForSession(input: {
  /** The HTTP request (its IncomingMessage) the reads are shared within. */
  request: object;
  tenantId: string;
  accountId: string;
  amr: string[] | undefined;
  clientId: string;
  params: Record<string, unknown>;
  metric?: { interaction?: string };
}): Promise<Decision | undefined> {
  const { request, tenantId, accountId } = input;
  const [tenant, user] = await Promise.all([
    tenantForRequest(request, tenantId),
    userForRequest(request, tenantId, accountId),
  ]);
  if (!user || user.disabled) return undefined;
  await recordExemptionEnd(user);
  return decideFor({
    tenant,
    user,
    clientId: input.clientId,
    signIn: signInMethodOf(input.amr),
    params: input.params,
    metric: input.metric,
  });
}
