import type { MessageId } from './i18n.ts';

/**
 * An error the product expects. `messageId` is what the person at the screen reads (from the
 * catalogue); `detail` goes only to the log. Neither ever holds a code, password, token or address.
 */
export class ProductError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messageId: MessageId;
  readonly detail?: string;

  constructor(code: string, status: number, messageId: MessageId, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.status = status;
    this.messageId = messageId;
    this.detail = detail;
  }
}

export const unknownTenant = (detail?: string) =>
  new ProductError('unknown_tenant', 404, 'error.unknown-tenant', detail);

export const interactionExpired = (detail?: string) =>
  new ProductError('interaction_expired', 400, 'error.interaction-expired', detail);

export const invalidRequest = (detail?: string) =>
  new ProductError('invalid_request', 400, 'error.invalid-request', detail);

/** Database and network failures the person can do nothing about but wait. */
export function isUnavailable(error: unknown): boolean {
  const { name = '', message = '' } = (error as Error | undefined) ?? {};
  return (
    /^Mongo(Network|ServerSelection|NotConnected|PoolCleared|Topology)|^MongooseServerSelection/.test(
      name,
    ) ||
    (name === 'MongooseError' && message.includes('buffering timed out'))
  );
}

export const tryAgainLater = (detail?: string) =>
  new ProductError('temporarily_unavailable', 503, 'error.try-again', detail);
