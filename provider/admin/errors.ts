import { ProductError } from '../errors.ts';
import { translator, type Locale, type MessageId } from '../i18n.ts';

/**
 * An administration error: a stable kebab-case `code` for programs, an HTTP status, and a message
 * from the catalogue for people. `values` fill the message; they name tenants, groups, profiles
 * and applications, never a password, token or email address. `problems` lists input errors as
 * `field: problem`.
 */
export class AdminError extends ProductError {
  readonly values: Record<string, string>;
  readonly problems?: string[];

  constructor(
    code: string,
    status: number,
    messageId: MessageId,
    options: { values?: Record<string, string>; problems?: string[]; detail?: string } = {},
  ) {
    super(code, status, messageId, options.detail);
    this.values = options.values ?? {};
    this.problems = options.problems;
  }

  describe(locale: Locale = 'en'): string {
    const values = { ...this.values, problems: (this.problems ?? []).join('; ') };
    return translator(locale)(this.messageId, values);
  }
}

export const unauthenticated = (detail?: string) =>
  new AdminError('unauthenticated', 401, 'admin.error.unauthenticated', { detail });

export const invalidToken = (detail?: string) =>
  new AdminError('invalid-token', 401, 'admin.error.invalid-token', { detail });

export const tokenExpired = () => new AdminError('token-expired', 401, 'admin.error.token-expired');

export const forbidden = (detail?: string) =>
  new AdminError('forbidden', 403, 'admin.error.forbidden', { detail });

export const endpointNotFound = () => new AdminError('not-found', 404, 'admin.error.not-found');

export const unknownTenant = (tenant: string) =>
  new AdminError('unknown-tenant', 404, 'admin.error.unknown-tenant', { values: { tenant } });

export const unknownUser = (detail?: string) =>
  new AdminError('unknown-user', 404, 'admin.error.unknown-user', { detail });

export const unknownGroup = (group: string) =>
  new AdminError('unknown-group', 404, 'admin.error.unknown-group', { values: { group } });

export const unknownProfile = (profile: string) =>
  new AdminError('unknown-profile', 404, 'admin.error.unknown-profile', { values: { profile } });

export const unknownClient = (client: string) =>
  new AdminError('unknown-client', 404, 'admin.error.unknown-client', { values: { client } });

export const invalidInput = (problems: string[]) =>
  new AdminError('invalid-input', 400, 'admin.error.invalid-input', { problems });

export const effectiveDateInPast = (effectiveFrom: string) =>
  new AdminError('effective-date-in-past', 409, 'admin.error.effective-date-in-past', {
    values: { effectiveFrom },
  });

export const exemptionInPast = () =>
  new AdminError('exemption-in-past', 422, 'admin.error.exemption-in-past');

/** Something with this key exists already: `tenant`, `user`, `group`, `profile` or `client`. */
export const alreadyExists = (
  kind: 'tenant' | 'user' | 'group' | 'profile' | 'client',
  name = '',
) => new AdminError(`${kind}-exists`, 409, `admin.error.${kind}-exists`, { values: { name } });

export const emailInUse = () => new AdminError('email-in-use', 409, 'admin.error.email-in-use');

export const usernameIsEmail = () =>
  new AdminError('username-is-email', 409, 'admin.error.username-is-email');

export const groupInUse = (group: string, detail: string) =>
  new AdminError('group-in-use', 409, 'admin.error.group-in-use', { values: { group }, detail });

export const clientInUse = (client: string) =>
  new AdminError('client-in-use', 409, 'admin.error.client-in-use', { values: { client } });

export const reservedTenant = (tenant: string) =>
  new AdminError('reserved-tenant', 409, 'admin.error.reserved-tenant', { values: { tenant } });

export const reservedClient = (client: string) =>
  new AdminError('reserved-client', 409, 'admin.error.reserved-client', { values: { client } });

export const tenantDisabled = (tenant: string) =>
  new AdminError('tenant-disabled', 409, 'admin.error.tenant-disabled', { values: { tenant } });

export const federatedAccount = () =>
  new AdminError('federated-account', 409, 'admin.error.federated-account');

/** Another change to the same record got in between; nothing was written. */
export const changedMeanwhile = () =>
  new AdminError('changed-meanwhile', 409, 'admin.error.changed-meanwhile');
