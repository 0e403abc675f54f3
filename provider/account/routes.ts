import Router from '@koa/router';
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { findTenant } from '../../adapters/tenants.ts';
import { findUser } from '../../adapters/users.ts';
import { unknownTenant } from '../errors.ts';
import type { MessageId } from '../i18n.ts';
import { frameFor, pageLocale, renderPage } from '../pages.ts';
import type { Runtime } from '../runtime.ts';
import { decideFor, signInMethodOf } from '../two-factor/decide-for.ts';
import { ACCOUNT_CLIENT_ID, accountClientSecret, accountUrls } from './client.ts';

/**
 * The account page of each tenant, `/realms/{tenant}/account`: an OIDC client of its own tenant
 * (authorization code + PKCE, like any application) that shows who signed in, their groups, how
 * (`amr`), and whether the email code was required and why.
 */

interface AccountSession {
  sub: string;
  amr: string[];
  acr?: string;
  idToken: string;
}

const SESSION_COOKIE = 'idp_account';
const PENDING_COOKIE = 'idp_account_pending';

async function clientConfiguration(runtime: Runtime, tenantId: string) {
  const issuer = runtime.tenants.issuerFor(tenantId);
  const secret = accountClientSecret(tenantId, runtime.secrets);
  const insecure = issuer.startsWith('http:')
    ? { execute: [oidc.allowInsecureRequests] }
    : undefined;
  return oidc.discovery(new URL(issuer), ACCOUNT_CLIENT_ID, secret, undefined, insecure);
}

function cookieOptions(ctx: Context, tenantId: string) {
  return {
    path: `/realms/${tenantId}/account`,
    httpOnly: true,
    sameSite: 'lax' as const,
    signed: true,
    secure: ctx.secure,
    overwrite: true,
  };
}

function readSession(ctx: Context): AccountSession | undefined {
  const raw = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  if (!raw) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString()) as AccountSession;
  } catch {
    return undefined;
  }
}

async function showAccount(ctx: Context): Promise<void> {
  const tenantId = String(ctx.params.tenant);
  const tenant = await findTenant(tenantId);
  if (!tenant) throw unknownTenant(tenantId);

  const session = readSession(ctx);
  const user = session && (await findUser(tenantId, session.sub));
  const frame = frameFor(pageLocale(ctx, undefined, tenant.locale), tenant.name);
  if (!session || !user)
    return renderPage(ctx, 'account', frame, { signedIn: false, base: ctx.path });

  const decision = decideFor({
    tenant,
    user,
    clientId: ACCOUNT_CLIENT_ID,
    signIn: signInMethodOf(session.amr),
    params: {},
  });
  const profile = tenant.profiles.find((p) => p.code === user.profile);
  await renderPage(ctx, 'account', frame, {
    signedIn: true,
    base: ctx.path,
    user,
    profileName: profile?.name,
    profileGroups: profile?.groups ?? [],
    amr: session.amr,
    acr: session.acr,
    codeUsed: session.amr.includes('otp'),
    reason: `reason.${decision.reason}` as MessageId,
  });
}

export function accountRouter(runtime: Runtime): Router {
  const router = new Router({ prefix: '/realms/:tenant/account' });

  router.get('/', (ctx) => showAccount(ctx));

  router.get('/login', async (ctx) => {
    const tenantId = String(ctx.params.tenant);
    if (!(await runtime.tenants.providerFor(tenantId))) throw unknownTenant(tenantId);
    const config = await clientConfiguration(runtime, tenantId);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: accountUrls(runtime.tenants.issuerFor(tenantId)).callback,
      scope: 'openid email profile groups',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    ctx.cookies.set(PENDING_COOKIE, `${state}.${verifier}`, {
      ...cookieOptions(ctx, tenantId),
      maxAge: 600_000,
    });
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const tenantId = String(ctx.params.tenant);
    const [state, verifier] = (ctx.cookies.get(PENDING_COOKIE, { signed: true }) ?? '').split('.');
    ctx.cookies.set(PENDING_COOKIE, null, cookieOptions(ctx, tenantId));
    const home = accountUrls(runtime.tenants.issuerFor(tenantId)).home;
    if (!state || !verifier) return ctx.redirect(home);

    const config = await clientConfiguration(runtime, tenantId);
    const callbackUrl = new URL(
      ctx.originalUrl,
      accountUrls(runtime.tenants.issuerFor(tenantId)).callback,
    );
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims()!;
    const session: AccountSession = {
      sub: claims.sub,
      amr: (claims.amr as string[] | undefined) ?? [],
      acr: claims.acr as string | undefined,
      idToken: tokens.id_token!,
    };
    const value = Buffer.from(JSON.stringify(session)).toString('base64url');
    ctx.cookies.set(SESSION_COOKIE, value, cookieOptions(ctx, tenantId));
    ctx.redirect(home);
  });

  router.post('/logout', async (ctx) => {
    const tenantId = String(ctx.params.tenant);
    const session = readSession(ctx);
    ctx.cookies.set(SESSION_COOKIE, null, cookieOptions(ctx, tenantId));
    const home = accountUrls(runtime.tenants.issuerFor(tenantId)).home;
    if (!session) return ctx.redirect(home);
    const config = await clientConfiguration(runtime, tenantId);
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: home,
    });
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  return router;
}
