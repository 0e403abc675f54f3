/**
 * Whether a sign-in needs the email code, and why. One pure function: the login flow, the prompt
 * that re-checks existing sessions and the admin explain command all call it, so they never differ.
 */

export type TwoFactorMethod = 'off' | 'all' | 'group';

export interface TwoFactorPolicy {
  method: TwoFactorMethod;
  /** Code of the tenant group whose holders need the code (method `group`). */
  group?: string;
  /** Instant from which the policy applies; absent means it applies now. */
  effectiveFrom?: Date;
  /** Client ids the policy is limited to; empty or absent means every client of the tenant. */
  clients?: string[];
}

export interface AccountFacts {
  type: 'standard' | 'partner';
  groups: string[];
  profileGroups: string[];
  /** An operator's exemption from the code, in force while `now` is before this instant. */
  exemptUntil?: Date;
}

export type SignInMethod = 'password' | 'federated';

export interface DecisionInput {
  /** `undefined` when the policy could not be read: the decision then fails closed. */
  policy: TwoFactorPolicy | undefined;
  account: AccountFacts;
  clientId: string;
  signIn: SignInMethod;
  /** The client asked for a second factor (acr_values or an acr claim request). */
  clientRequestsCode: boolean;
  now: Date;
}

export type DecisionReason =
  | 'federated-login'
  | 'partner-account'
  | 'policy-unreadable'
  | 'client-requested'
  | 'policy-off'
  | 'not-yet-effective'
  | 'client-not-in-scope'
  | 'all-users'
  | 'group-direct'
  | 'group-via-profile'
  | 'not-in-group'
  | 'exempt';

export interface Decision {
  required: boolean;
  reason: DecisionReason;
}

const need = (reason: DecisionReason): Decision => ({ required: true, reason });
const skip = (reason: DecisionReason): Decision => ({ required: false, reason });

export function decideEmailCode(input: DecisionInput): Decision {
  const { policy, account } = input;

  // Federated logins report what the customer's identity provider did; Partner accounts are
  // exempt by contract. Neither is ever asked, whatever else holds.
  if (input.signIn === 'federated') return skip('federated-login');
  if (account.type === 'partner') return skip('partner-account');

  if (!policy) return need('policy-unreadable');

  if (input.clientRequestsCode) return need('client-requested');

  if (policy.method === 'off') return skip('policy-off');

  if (policy.effectiveFrom && input.now < policy.effectiveFrom) return skip('not-yet-effective');

  if (policy.clients?.length && !policy.clients.includes(input.clientId)) {
    return skip('client-not-in-scope');
  }

  if (policy.method === 'all') return unlessExempt(input, 'all-users');

  const group = policy.group;
  if (!group) return need('policy-unreadable');
  if (account.groups.includes(group)) return unlessExempt(input, 'group-direct');
  if (account.profileGroups.includes(group)) return unlessExempt(input, 'group-via-profile');

  return skip('not-in-group');
}

/**
 * An exemption only lifts what the tenant policy would ask, so `exempt` is reported exactly when
 * it made the difference. It never overrides a failed policy read (fail closed) or a client's
 * step-up request: the application asked for assurance that the tenant cannot waive for it.
 * It ends by itself at `exemptUntil`; nothing has to run for that.
 */
function unlessExempt(input: DecisionInput, reason: DecisionReason): Decision {
  const until = input.account.exemptUntil;
  return until && input.now < until ? skip('exempt') : need(reason);
}
