import { createHmac } from 'node:crypto';
import { findClientMetadata, saveClient } from '../../adapters/clients.ts';
import type { ClientMetadata } from 'oidc-provider';
import type { Secrets } from '../runtime.ts';

/** The account page is itself a client of its tenant, like any application. */
export const ACCOUNT_CLIENT_ID = 'account-console';

export function accountClientSecret(tenantId: string, secrets: Secrets): string {
  return createHmac('sha256', secrets.cookieKeys[0]!)
    .update(`account-console:${tenantId}`)
    .digest('base64url');
}

export function accountUrls(issuer: string) {
  return { home: `${issuer}/account`, callback: `${issuer}/account/callback` };
}

/** Registers (or re-registers, when the public URL changed) the tenant's account client. */
export async function ensureAccountClient(
  tenantId: string,
  issuer: string,
  secrets: Secrets,
): Promise<void> {
  const urls = accountUrls(issuer);
  const wanted: ClientMetadata = {
    client_id: ACCOUNT_CLIENT_ID,
    client_secret: accountClientSecret(tenantId, secrets),
    client_name: 'Account',
    redirect_uris: [urls.callback],
    post_logout_redirect_uris: [urls.home],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };
  const current = await findClientMetadata(tenantId, ACCOUNT_CLIENT_ID);
  if (JSON.stringify(current) !== JSON.stringify(wanted)) await saveClient(tenantId, wanted);
}
