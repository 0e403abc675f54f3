import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { userForRequest } from './request-memo.ts';
import { decideForSession } from '../two-factor/decide-for.ts';

const { base, Prompt, Check } = interactionPolicy;

export const EMAIL_CODE_PROMPT = 'email-code';

/**
 * The default login and consent prompts, with two additions:
 * - login is asked again when the session's account was removed or disabled;
 * - `email-code`, between login and consent, runs the 2FA decision on every authorization
 *   request, so a session that never passed the code is stopped once the policy requires it
 *   (group gained, policy started, client asks for step-up). With prompt=none the client gets
 *   `interaction_required` (OIDC Core 1.0, section 3.1.2.6).
 */
export function buildInteractionPolicy(tenantId: string) {
  const policy = base();

  policy.get('login')!.checks.add(
    new Check(
      'account_inactive',
      'the account is no longer active',
      'login_required',
      async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        if (!accountId) return Check.NO_NEED_TO_PROMPT;
        const user = await userForRequest(ctx.req, tenantId, accountId);
        return !user || user.disabled ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      },
    ),
  );

  const emailCode = new Prompt(
    { name: EMAIL_CODE_PROMPT, requestable: false },
    new Check(
      'email_code_required',
      'an email code is required for this sign-in',
      'interaction_required',
      async (ctx: KoaContextWithOIDC) => {
        const { session, client, params } = ctx.oidc;
        if (!session?.accountId || !client) return Check.NO_NEED_TO_PROMPT;
        if (session.amr?.includes('otp')) return Check.NO_NEED_TO_PROMPT;
        const decision = await decideForSession({
          request: ctx.req,
          tenantId,
          accountId: session.accountId,
          amr: session.amr,
          clientId: client.clientId,
          params: (params ?? {}) as Record<string, unknown>,
          // A fresh authorization has no interaction yet; a resumed one names the interaction
          // whose sign-in may already have counted its decision.
          metric: { interaction: ctx.oidc.entities.Interaction?.uid },
        });
        return decision?.required ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  policy.add(emailCode, 1);

  return policy;
}
