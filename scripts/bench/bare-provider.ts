/**
 * The baseline: oidc-provider with nothing of the product but storage (the same mongoose adapter
 * on the same database) and the smallest login and consent interactions that work, so the
 * benchmark can compare the product's flows with the library's own cost.
 */
import Provider from 'oidc-provider';
import { connectDatabase } from '../../adapters/connection.ts';
import { adapterFor } from '../../adapters/oidc-adapter.ts';
import { BENCH_CLIENT } from './setup.ts';

const [port, uri] = [Number(process.env.PORT), String(process.env.MONGODB_URI)];
await connectDatabase(uri);

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  adapter: adapterFor('bench-bare'),
  clients: [BENCH_CLIENT],
  cookies: { keys: ['bench-bare-cookie-key-0123456789abcdef'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
});

const form = (uid: string, step: string) =>
  `<form method="post" action="/interaction/${uid}/${step}"><button>go</button></form>`;

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)(?:\/(login|consent))?$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = form(match[1]!, details.prompt.name === 'login' ? 'login' : 'consent');
    return;
  }
  if (match[2] === 'login') {
    const result = { login: { accountId: 'bench-user' } };
    ctx.status = 303;
    return ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result));
  }
  const grant = new provider.Grant({
    accountId: details.session!.accountId,
    clientId: BENCH_CLIENT.client_id,
  });
  grant.addOIDCScope('openid');
  const grantId = await grant.save();
  ctx.status = 303;
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }));
});

provider.listen(port, '127.0.0.1');
