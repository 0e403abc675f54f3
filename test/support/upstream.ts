import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { freePort } from '../../provider/embedded/processes.ts';
import { buildFederatedCallbackUrl } from '../../provider/federation/discovery.ts';
import { Browser } from './browser.ts';
import { testEnvironment } from './environment.ts';
import { REDIRECT_URI, startAuthorization, type RelyingParty } from './relying-party.ts';
import { createTenant, type TenantOptions } from './tenants.ts';

export interface UpstreamUser {
  sub: string;
  email?: string;
  name?: string;
}

/** How the next sign-ins at the upstream go; tests change it between steps. */
export interface UpstreamLogin {
  /** The account that signs in; by default the one whose email is the login_hint. */
  account?: string;
  amr: string[];
  acr?: string;
  /** The person cancels: the upstream answers access_denied. */
  cancel: boolean;
}

type Claims = Record<string, unknown>;
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
type ClientStore = { upsert(id: string, payload: object, expiresIn: number): Promise<void> };

/**
 * The customer's identity provider, for tests: a second oidc-provider on loopback with its own
 * in-memory storage. There are no login forms (devInteractions stays off); its interaction
 * route signs the chosen account in at once. To play a misbehaving upstream, `rewriteIdToken`
 * changes the ID token's claims and signs it again with the upstream's own key, so only the
 * claim is wrong and our side's validation is what must catch it.
 */
export class TestUpstream {
  readonly issuer: string;
  /** The accounts, by subject; the upstream's findAccount reads this map. */
  readonly users: Map<string, UpstreamUser>;
  readonly authorizationRequests: URLSearchParams[] = [];
  login: UpstreamLogin = { amr: ['pwd', 'mfa'], cancel: false };
  rewriteIdToken?: (claims: Claims) => Claims;
  readonly #server: Server;
  readonly #provider: Provider;
  readonly #key: SigningKey;

  constructor(parts: {
    users: Map<string, UpstreamUser>;
    provider: Provider;
    server: Server;
    key: SigningKey;
  }) {
    this.issuer = parts.provider.issuer;
    this.users = parts.users;
    this.#provider = parts.provider;
    this.#server = parts.server;
    this.#key = parts.key;
    parts.provider.use((ctx, next) => this.#handle(ctx as KoaContextWithOIDC, next));
  }

  addUser(user: UpstreamUser): void {
    this.users.set(user.sub, user);
  }

  /** A client for one tenant of ours, redirecting to that tenant's fixed callback. */
  async registerClient(tenantId: string, client: { clientId: string; clientSecret: string }) {
    const { clientId, clientSecret } = client;
    const issuer = `${testEnvironment().baseUrl}/realms/${tenantId}`;
    // Clients not in the static configuration are read from the adapter, in-memory here.
    const clients = this.#provider.Client as unknown as { adapter: ClientStore };
    await clients.adapter.upsert(
      clientId,
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [buildFederatedCallbackUrl(issuer)],
        post_logout_redirect_uris: [`${issuer}/session/end/success`],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      3600,
    );
  }

  get lastAuthorization() {
    return this.authorizationRequests.at(-1);
  }

  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((done) => this.#server.close(() => done()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      this.authorizationRequests.push(new URLSearchParams(ctx.querystring));
    }
    if (/^\/interaction\/[^/]+$/.test(ctx.path)) return this.#signIn(ctx);

    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && this.rewriteIdToken && body?.id_token) {
      const token = body.id_token;
      const claims = this.rewriteIdToken({ ...decodeJwt(token) });
      const header = decodeProtectedHeader(token) as { alg: string };
      const signed = new CompactSign(Buffer.from(JSON.stringify(claims)));
      ctx.body = { ...body, id_token: await signed.setProtectedHeader(header).sign(this.#key) };
    }
  }

  async #signIn(ctx: KoaContextWithOIDC): Promise<void> {
    const details = await this.#provider.interactionDetails(ctx.req, ctx.res);
    const hint = String(details.params.login_hint ?? '').toLowerCase();
    const account =
      this.login.account ??
      [...this.users.values()].find((user) => user.email?.toLowerCase() === hint)?.sub;
    const result =
      this.login.cancel || !account
        ? { error: 'access_denied', error_description: 'the person cancelled' }
        : { login: { accountId: account, amr: this.login.amr, acr: this.login.acr } };
    const returnTo = await this.#provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  }
}

export async function startUpstream(): Promise<TestUpstream> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'upstream-key', alg: 'RS256', use: 'sig' };
  const users = new Map<string, UpstreamUser>();

  const provider = new Provider(issuer, {
    jwks: { keys: [jwk as never] },
    // Cookies do not keep ports apart, so the names must differ from the provider under test.
    cookies: {
      keys: ['upstream-cookie-key-0123456789abcdef'],
      names: { session: 'up_session', interaction: 'up_interaction', resume: 'up_resume' },
    },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: user.email, email_verified: true, name: user.name }),
      };
    },
    acrValues: ['urn:acme:pwd', 'urn:acme:mfa', 'urn:idp:acr:mfa'],
    // acr and amr ride on the openid scope, as with most identity providers.
    claims: {
      openid: ['sub', 'acr', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    // The customer's IdP has its own consent rules; for the tests every request is granted.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId,
      });
      grant.addOIDCScope(String(ctx.oidc.params!.scope));
      await grant.save();
      return grant;
    },
  });

  const server = createServer(provider.callback());
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return new TestUpstream({ users, provider, server, key: privateKey });
}

export interface SsoOptions {
  domains?: string[];
  name?: string;
  endSession?: boolean;
  profile?: string;
  groups?: string[];
}

/**
 * A tenant whose SSO domain (acme.example unless told) signs in at `upstream`. The settings go
 * through the product's import; the fields the import schema does not take yet (endSession,
 * profile, groups) are written to the tenant document as the import would store them.
 */
export async function createSsoTenant(
  upstream: TestUpstream,
  options: TenantOptions = {},
  sso: SsoOptions = {},
) {
  const client = {
    clientId: `idp-${randomBytes(6).toString('hex')}`,
    clientSecret: randomBytes(24).toString('hex'),
  };
  const entry = {
    domains: ['acme.example'],
    issuer: upstream.issuer,
    ...client,
    name: 'Acme Staff',
    ...sso,
  };
  const tenant = await createTenant({ ...options, extra: { ...options.extra, sso: [entry] } });
  await upstream.registerClient(tenant.id, client);
  return tenant;
}

/** The client's authorization request, then the identifier typed; follows every redirect. */
export async function signInThroughUpstream(
  rp: RelyingParty,
  identifier: string,
  options: { browser?: Browser; params?: Record<string, string>; stopAt?: string } = {},
) {
  const browser = options.browser ?? new Browser();
  const pending = await startAuthorization(rp, options.params);
  const stopAt = options.stopAt ?? REDIRECT_URI;
  const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
  const page = await browser.submit(identifierPage, '/identifier', { identifier }, { stopAt });
  return { browser, pending, identifierPage, page };
}
