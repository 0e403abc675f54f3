import { parseClaimsParameter } from '../oidc/grant.ts';

/**
 * What the client asked about the authentication context (OIDC Core 1.0, sections 3.1.2.1 and
 * 5.5.1.1). A federated login reports what the upstream did instead of adding the email code
 * (the product rule), so the request is passed on upstream and the answer checked here.
 */
interface AcrRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown;
}

function readAcrClaimRequest(params: Record<string, unknown>): AcrRequest | undefined {
  const request = (parseClaimsParameter(params.claims).id_token as { acr?: unknown } | undefined)
    ?.acr;
  return request && typeof request === 'object' ? (request as AcrRequest) : undefined;
}

function listAcrValues(request: AcrRequest | undefined): string[] {
  if (!request) return [];
  if (typeof request.value === 'string') return [request.value];
  if (!Array.isArray(request.values)) return [];
  return request.values.filter((value): value is string => typeof value === 'string');
}

/**
 * The `acr_values` to send upstream: the client's own, else the values of its acr claim request.
 */
export function chooseUpstreamAcrValues(params: Record<string, unknown>): string | undefined {
  if (typeof params.acr_values === 'string' && params.acr_values.trim()) return params.acr_values;
  const values = listAcrValues(readAcrClaimRequest(params));
  return values.length ? values.join(' ') : undefined;
}

/**
 * The acr values the client made essential, or undefined when it made none. An essential acr the
 * login cannot meet must end in `unmet_authentication_requirements` (OpenID Connect Core Error
 * Code unmet_authentication_requirements 1.0); oidc-provider would otherwise ask for the
 * login prompt again and again.
 */
export function readEssentialAcr(params: Record<string, unknown>): string[] | undefined {
  const request = readAcrClaimRequest(params);
  if (!request?.essential) return undefined;
  const values = listAcrValues(request);
  return values.length ? values : undefined;
}
