import { expect } from 'chai';
import mongoose from 'mongoose';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { indexIdLookups } from '../../provider/embedded/ferretdb-id-index.ts';
import { startTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * The `_id` lookup index the embedded launcher adds beside FerretDB's own: SQLite uses it, and
 * FerretDB behaves as before with it (uniqueness, updates, deletes, dropping a collection).
 */
describe('the embedded FerretDB with indexed _id lookups', function () {
  let database: TestDatabase;
  let client: mongoose.mongo.MongoClient;
  let rows: mongoose.mongo.Collection<{ _id: string; n: number }>;

  before(async function () {
    database = await startTestDatabase({ ownFerretDB: true });
    client = await mongoose.mongo.MongoClient.connect(database.uri);
    rows = client.db().collection('rows');
    await rows.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `row-${n}`, n })));
  });
  after(async function () {
    await client.close();
    await database.stop();
  });

  function plan(): string {
    const sqlite = new DatabaseSync(path.join(database.dir!, 'idp.sqlite'), { readOnly: true });
    try {
      const [table] = sqlite
        .prepare(`SELECT table_name AS name FROM _ferretdb_collections WHERE name = 'rows'`)
        .all() as Array<{ name: string }>;
      if (!table) return 'no table';
      const steps = sqlite
        .prepare(
          `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table.name}" ` +
            `WHERE _ferretdb_sjson->'$._id' = ?`,
        )
        .all('"row-1"') as Array<{ detail: string }>;
      return steps.map((step) => step.detail).join(' ');
    } finally {
      sqlite.close();
    }
  }

  it('turns the table scan of an _id lookup into an index search, once', async function () {
    expect(plan()).to.match(/^SCAN/);
    expect(await indexIdLookups(database.dir!)).to.be.greaterThan(0);
    expect(plan()).to.match(/^SEARCH .* USING INDEX \S+_id_lookup/);
    expect(await indexIdLookups(database.dir!)).to.equal(0);
  });

  it('keeps reads, uniqueness, updates and deletes by _id as they were', async function () {
    expect(await rows.findOne({ _id: 'row-42' })).to.deep.equal({ _id: 'row-42', n: 42 });
    const duplicate = await rows.insertOne({ _id: 'row-42', n: 0 }).then(
      () => undefined,
      (error: { code?: number }) => error.code,
    );
    expect(duplicate).to.equal(11000);
    await rows.updateOne({ _id: 'row-42' }, { $set: { n: -42 } });
    expect(await rows.findOne({ _id: 'row-42' })).to.deep.equal({ _id: 'row-42', n: -42 });
    await rows.deleteOne({ _id: 'row-43' });
    expect(await rows.findOne({ _id: 'row-43' })).to.equal(null);
    await rows.insertOne({ _id: 'row-43', n: 43 });
    expect(await rows.findOne({ _id: 'row-43' })).to.deep.equal({ _id: 'row-43', n: 43 });
    expect((await rows.indexes()).map((index) => index.name)).to.deep.equal(['_id_']);
  });

  it('lets a dropped collection take its index along and a new one be indexed again', async function () {
    await rows.drop();
    expect(plan()).to.equal('no table');
    await rows.insertOne({ _id: 'again', n: 1 });
    expect(plan()).to.match(/^SCAN/);
    expect(await indexIdLookups(database.dir!)).to.equal(1);
    expect(await rows.findOne({ _id: 'again' })).to.deep.equal({ _id: 'again', n: 1 });
  });
});
