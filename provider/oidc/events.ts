import type Provider from 'oidc-provider';
import { log } from '../logger.ts';
import { countDatabaseError } from '../observability/metrics.ts';

/**
 * The one place that listens to oidc-provider's events: protocol errors and notable moments become
 * structured log lines with the stable fields (tenant, client, account, interaction).
 */
const errorEvents = [
  'authorization.error',
  'backchannel.error',
  'grant.error',
  'end_session.error',
  'introspection.error',
  'revocation.error',
  'userinfo.error',
  'jwks.error',
  'discovery.error',
  'server_error',
];

interface EventContext {
  oidc?: {
    client?: { clientId?: string };
    session?: { accountId?: string };
    /** At the token endpoint there is no session; the grant's account is loaded instead. */
    account?: { accountId?: string };
    uid?: string;
  };
}

function fieldsOf(tenant: string, ctx: EventContext | undefined) {
  return {
    tenant,
    client: ctx?.oidc?.client?.clientId,
    account: ctx?.oidc?.session?.accountId ?? ctx?.oidc?.account?.accountId,
    interaction: ctx?.oidc?.uid,
  };
}

export function subscribeProviderEvents(provider: Provider, tenant: string): void {
  // The typings list events one overload at a time; the provider is a plain EventEmitter.
  const events = provider as unknown as NodeJS.EventEmitter;
  for (const name of errorEvents) {
    events.on(
      name,
      (ctx: EventContext, error: Error & { error_description?: string; status?: number }) => {
        if (name === 'server_error') countDatabaseError(error);
        const level = name === 'server_error' || (error.status ?? 400) >= 500 ? 'error' : 'info';
        log[level](
          {
            ...fieldsOf(tenant, ctx),
            event: name,
            error: error.message,
            detail: error.error_description,
          },
          'The provider refused a request',
        );
      },
    );
  }
  events.on('grant.success', (ctx: EventContext) => {
    log.info({ ...fieldsOf(tenant, ctx), event: 'grant.success' }, 'Issued tokens');
  });
  events.on('end_session.success', (ctx: EventContext) => {
    log.info({ ...fieldsOf(tenant, ctx), event: 'end_session.success' }, 'Ended a session');
  });
  events.on('grant.revoked', (_ctx: EventContext, grantId: string) => {
    log.info({ tenant, grant: grantId, event: 'grant.revoked' }, 'Revoked a grant');
  });
}
