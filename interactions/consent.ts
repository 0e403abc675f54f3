import type { Context } from 'koa';
import { grantRequested, parseClaimsParameter } from '../provider/oidc/grant.ts';
import { finishInteraction, type Step } from './context.ts';

/**
 * Step 4: consent. Tenant applications are first-party, so what they request is granted without
 * a screen (see provider/oidc/grant.ts). The provider only asks for consent once the login and
 * email-code prompts are satisfied, and this step checks that it is the prompt being asked.
 */
export async function grantConsent(ctx: Context, step: Step): Promise<void> {
  const { details, provider } = step;
  const grant = await grantRequested({
    provider,
    clientId: String(details.params.client_id),
    accountId: details.session!.accountId,
    scope: details.params.scope,
    claims: parseClaimsParameter(details.params.claims),
    grantId: details.grantId,
  });
  await finishInteraction(ctx, step, { consent: { grantId: grant.jti } });
}
