import { expect } from 'chai';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Tenant } from '../../adapters/tenants.ts';
import { renderProviderError } from '../../provider/oidc/pages.ts';
import { textOf } from '../support/browser.ts';

/**
 * The page oidc-provider's own routes show when they fail: the status tells a load balancer or a
 * monitor what happened; the page tells the person what to do, without internals.
 */
describe('error pages of the protocol routes', function () {
  let server: Server;
  let base: string;
  let failure: Error;
  let error: string;

  before(async function () {
    const app = new Koa();
    const tenant = { _id: 'acme', name: 'Acme', locale: 'en' } as Tenant;
    app.use((ctx) =>
      renderProviderError(ctx, tenant, { error, error_description: failure.message }, failure),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(function () {
    server.close();
  });

  async function show(name: string, message: string, code = 'server_error') {
    failure = Object.assign(new Error(message), { name });
    error = code;
    const response = await fetch(base);
    return { status: response.status, text: textOf(await response.text()) };
  }

  it('answers 503 with "try again" when the database cannot be reached', async function () {
    const page = await show('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:27017');
    expect(page.status).to.equal(503);
    expect(page.text).to.contain('The service is briefly unavailable. Try again in a moment.');
    expect(page.text).to.not.contain('ECONNREFUSED');
  });

  it('answers 500 for any other failure, and 400 for a bad request', async function () {
    expect((await show('TypeError', 'x is undefined')).status).to.equal(500);
    const bad = await show('InvalidRequest', 'missing required parameter', 'invalid_request');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.not.contain('missing required parameter');
  });
});
