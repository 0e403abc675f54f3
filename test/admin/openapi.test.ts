import { expect } from 'chai';
import { endpoints } from '../../provider/admin/api/endpoints.ts';
import { testEnvironment } from '../support/environment.ts';

describe('the OpenAPI document of the administration API', function () {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, read freely
  let document: any;
  before(async function () {
    const response = await fetch(`${testEnvironment().baseUrl}/admin/v1/openapi.json`);
    expect(response.status).to.equal(200);
    document = await response.json();
  });

  it('is served without a token as OpenAPI 3.1 with a bearer JWT scheme', function () {
    expect(document.openapi).to.equal('3.1.0');
    expect(document.servers).to.deep.equal([{ url: `${testEnvironment().baseUrl}/admin/v1` }]);
    expect(document.components.securitySchemes.adminToken).to.include({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('describes every operation the API serves, with who may call it', function () {
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as object).map(([method, op]) => [
        `${method} ${path}`,
        (op as { 'x-access': string })['x-access'],
      ]),
    );
    const served = endpoints.map((e) => [`${e.method} ${e.path}`, e.access]);
    expect(described).to.deep.equal(served);
    const ids = endpoints.map((e) => e.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('publishes the request schemas the API validates with', function () {
    const policy =
      document.paths['/tenants/{tenant}/policy'].put.requestBody.content['application/json'].schema;
    expect(policy.properties.method.enum).to.deep.equal(['off', 'all', 'group']);
    expect(policy.additionalProperties).to.equal(false);
    const user =
      document.paths['/tenants/{tenant}/users'].post.requestBody.content['application/json'].schema;
    expect(user.required).to.deep.equal(['username']);
    expect(user.properties.password.minLength).to.equal(10);
  });

  it('names the path parameters of each operation', function () {
    const explain = document.paths['/tenants/{tenant}/users/{user}/explain'].get;
    expect(
      explain.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
    ).to.deep.equal(['path:tenant', 'path:user', 'query:client']);
  });
});
