import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A new RS256 signing key for a tenant, as a private JWK with its thumbprint as `kid`. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return jwk;
}
