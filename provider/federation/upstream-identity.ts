import * as oidc from 'openid-client';
import type { FederatedAttempt } from './attempts.ts';
import { loadUpstreamConfig } from './discovery.ts';
import { FederatedLoginError } from './failures.ts';
import type { Upstream } from './upstreams.ts';

/** Who the upstream says signed in, and how. */
export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
  amr: string[];
  acr?: string;
}

// A bare addr-spec: the value may one day go into a mail header, so nothing that could break one.
const plainAddress = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}$/;

function readEmail(claims: Record<string, unknown>): string | undefined {
  const { email } = claims;
  // An address the upstream itself marks unverified is not passed on to applications.
  if (typeof email !== 'string' || claims.email_verified === false) return undefined;
  return email.length <= 254 && plainAddress.test(email) ? email : undefined;
}

const amrValue = /^[A-Za-z0-9._-]{1,40}$/;

const readText = (value: unknown, max = 200) =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;

/**
 * Redeems the authorization response at the upstream (code + PKCE verifier) and validates the
 * ID token with openid-client: signature, issuer, audience, expiry, nonce, and the state of the
 * response. When the ID token carries no email (OIDC Core 1.0, section 5.4 lets scope claims go
 * to the UserInfo endpoint instead), UserInfo is asked, bound to the same subject.
 */
export async function redeemAuthorizationResponse(
  upstream: Upstream,
  attempt: FederatedAttempt,
  responseUrl: URL,
): Promise<UpstreamIdentity> {
  const config = await loadUpstreamConfig(upstream);
  const tokens = await oidc.authorizationCodeGrant(config, responseUrl, {
    pkceCodeVerifier: attempt.codeVerifier,
    expectedState: attempt.state,
    expectedNonce: attempt.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims?.sub) throw new FederatedLoginError('token-invalid', 'no ID token subject');

  let profile: Record<string, unknown> = claims;
  if (!readEmail(claims) && config.serverMetadata().userinfo_endpoint) {
    // The ID token wins where both speak: it is the signed statement.
    profile = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
  }

  // RFC 8176 values are short tokens; anything else is not passed on into our ID tokens.
  const amr = Array.isArray(claims.amr)
    ? claims.amr.filter((v): v is string => typeof v === 'string' && amrValue.test(v)).slice(0, 10)
    : [];
  return {
    issuer: config.serverMetadata().issuer,
    subject: claims.sub,
    email: readEmail(profile),
    name: readText(profile.name),
    amr,
    acr: readText(claims.acr, 255),
  };
}
