import { expect } from 'chai';
import mongoose from 'mongoose';
import { adapterFor, collectionFor } from '../../adapters/oidc-adapter.ts';
import { sweepExpired } from '../../adapters/sweeper.ts';

/** The oidc-provider storage contract, on whichever server the run uses (FerretDB or MongoDB). */
describe('oidc-provider storage', function () {
  const Adapter = adapterFor('storage-a');
  const Other = adapterFor('storage-b');

  it('returns what was stored, with dots and dollar signs in claim names intact', async function () {
    const sessions = new Adapter('Session');
    const payload = {
      uid: 'u-1',
      accountId: 'a',
      extra: { 'https://x.example/claim': 1, $odd: true },
    };
    await sessions.upsert('s-1', payload, 60);
    expect(await sessions.find('s-1')).to.deep.equal(payload);
    expect(await sessions.findByUid('u-1')).to.deep.equal(payload);
  });

  it('never returns an expired document, even before the sweeper removes it', async function () {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c-expired', { grantId: 'g' }, 60);
    await mongoose.connection
      .collection(collectionFor('AuthorizationCode'))
      .updateOne(
        { _id: 'storage-a:c-expired' as never },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
    expect(await codes.find('c-expired')).to.equal(undefined);

    expect(await sweepExpired()).to.be.greaterThan(0);
    const left = await mongoose.connection
      .collection(collectionFor('AuthorizationCode'))
      .countDocuments({ _id: 'storage-a:c-expired' as never });
    expect(left).to.equal(0);
  });

  it('keeps tenants apart: the same id in another tenant is another document', async function () {
    await new Adapter('AccessToken').upsert('same', { accountId: 'a' }, 60);
    expect(await new Other('AccessToken').find('same')).to.equal(undefined);
  });

  it('marks a code consumed and revokes everything of a grant', async function () {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c-1', { grantId: 'grant-1' }, 60);
    await codes.consume('c-1');
    expect((await codes.find('c-1'))?.consumed).to.be.a('number');

    const tokens = new Adapter('AccessToken');
    await tokens.upsert('t-1', { grantId: 'grant-1' }, 60);
    await tokens.upsert('t-2', { grantId: 'grant-2' }, 60);
    await tokens.revokeByGrantId('grant-1');
    expect(await tokens.find('t-1')).to.equal(undefined);
    expect(await tokens.find('t-2')).to.not.equal(undefined);
  });

  it('finds device codes by user code and destroys on request', async function () {
    const devices = new Adapter('DeviceCode');
    await devices.upsert('d-1', { userCode: 'ABCD-EFGH' }, 60);
    expect(await devices.findByUserCode('ABCD-EFGH')).to.deep.equal({ userCode: 'ABCD-EFGH' });
    await devices.destroy('d-1');
    expect(await devices.find('d-1')).to.equal(undefined);
  });

  it('refuses object-valued ids instead of passing them to a query', async function () {
    const sessions = new Adapter('Session');
    let failed = false;
    await sessions.find({ $ne: null } as unknown as string).catch(() => (failed = true));
    expect(failed).to.equal(true);
  });
});

describe('oidc-provider storage under parallel redemption', function () {
  it('lets only one of many parallel consumes of a code succeed, and revokes its grant', async function () {
    const Adapter = adapterFor('storage-race');
    const codes = new Adapter('AuthorizationCode');
    const tokens = new Adapter('AccessToken');
    await codes.upsert('c-race', { grantId: 'grant-race' }, 60);
    await tokens.upsert('t-race', { grantId: 'grant-race' }, 60);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => codes.consume('c-race')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.error).to.equal('invalid_grant');
    expect(await tokens.find('t-race')).to.equal(undefined);
  });
});
