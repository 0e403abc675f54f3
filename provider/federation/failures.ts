import * as oidc from 'openid-client';
import type { MessageId } from '../i18n.ts';

/**
 * Why a federated login did not finish. The reason and detail go to the log; the person reads
 * one of a few sentences, none of which says more than "try again", "cancelled" or "contact
 * your administrator", since the details are of no use to them and of some use to an attacker.
 */
export type FailureReason =
  | 'unknown-upstream'
  | 'no-attempt'
  | 'upstream-unreachable'
  | 'cancelled'
  | 'upstream-error'
  | 'state-mismatch'
  | 'token-expired'
  | 'token-invalid'
  | 'account-disabled'
  | 'account-conflict';

export class FederatedLoginError extends Error {
  readonly reason: FailureReason;
  readonly detail?: string;

  constructor(reason: FailureReason, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
    this.detail = detail;
  }
}

const pages: Record<FailureReason, { messageId: MessageId; status: number }> = {
  'unknown-upstream': { messageId: 'federated.failed', status: 400 },
  'no-attempt': { messageId: 'federated.failed', status: 400 },
  'upstream-unreachable': { messageId: 'federated.unavailable', status: 502 },
  cancelled: { messageId: 'federated.cancelled', status: 400 },
  'upstream-error': { messageId: 'federated.failed', status: 502 },
  'state-mismatch': { messageId: 'federated.failed', status: 400 },
  'token-expired': { messageId: 'federated.failed', status: 502 },
  'token-invalid': { messageId: 'federated.failed', status: 502 },
  'account-disabled': { messageId: 'federated.account-disabled', status: 403 },
  'account-conflict': { messageId: 'federated.account-disabled', status: 409 },
};

export function describeFailure(reason: FailureReason) {
  return pages[reason];
}

/** openid-client codes for a server that did not answer, or not with OAuth at all. */
const unreachableCodes = new Set([
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
]);

/** Maps what openid-client threw to a reason; the detail is its code and message, no values. */
export function classifyUpstreamError(error: unknown): FederatedLoginError {
  if (error instanceof FederatedLoginError) return error;

  if (error instanceof oidc.AuthorizationResponseError) {
    const reason = error.error === 'access_denied' ? 'cancelled' : 'upstream-error';
    return new FederatedLoginError(reason, `authorization response error=${error.error}`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    return new FederatedLoginError('upstream-error', `token response error=${error.error}`);
  }
  // fetch() rejects with a TypeError when the connection is refused or reset.
  if (error instanceof TypeError) return new FederatedLoginError('upstream-unreachable', 'fetch');

  const code = (error as { code?: string }).code ?? 'unknown';
  const cause = (error as { cause?: { message?: string } }).cause?.message ?? '';
  const detail = `${code}: ${(error as Error).message ?? ''} ${cause}`.trim();
  if (unreachableCodes.has(code)) return new FederatedLoginError('upstream-unreachable', detail);
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return new FederatedLoginError('token-expired', detail);
  }
  if (code === 'OAUTH_INVALID_RESPONSE' && cause.includes('"state"')) {
    return new FederatedLoginError('state-mismatch', detail);
  }
  return new FederatedLoginError('token-invalid', detail);
}
