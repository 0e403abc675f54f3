/**
 * Authentication context class references this provider issues (OIDC Core 1.0, section 2), and
 * the RFC 8176 method references that go with them in `amr`.
 */
export const ACR_PASSWORD = 'urn:idp:acr:pwd';
export const ACR_MFA = 'urn:idp:acr:mfa';
export const ACR_FEDERATED = 'urn:idp:acr:fed';

export const acrValues = [ACR_PASSWORD, ACR_MFA, ACR_FEDERATED];

export const AMR_PASSWORD = ['pwd'];
export const AMR_EMAIL_CODE = ['pwd', 'otp', 'mfa'];

/** Whether an authorization request asks for the second factor, voluntarily or as essential. */
export function requestsSecondFactor(params: Record<string, unknown>): boolean {
  // Asked for when the second factor is acceptable and a password alone is not.
  const asked = (values: string[]) => values.includes(ACR_MFA) && !values.includes(ACR_PASSWORD);
  if (typeof params.acr_values === 'string' && asked(params.acr_values.split(' '))) return true;

  if (typeof params.claims !== 'string') return false;
  try {
    const claims = JSON.parse(params.claims) as {
      id_token?: { acr?: { value?: string; values?: string[] } };
    };
    const acr = claims.id_token?.acr;
    return asked(acr?.value ? [acr.value] : (acr?.values ?? []));
  } catch {
    return false;
  }
}
