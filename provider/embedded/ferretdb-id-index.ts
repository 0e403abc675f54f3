import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { log } from '../logger.ts';

/**
 * FerretDB 1.24 on SQLite looks documents up by `_id` with the expression
 * `_ferretdb_sjson->'$._id'`, but builds its unique `_id` index on `_ferretdb_sjson->"_id"`.
 * SQLite only uses an index whose expression matches the query's, so every `_id` read, update
 * and delete scans the whole table (about 90 ms at 20,000 documents instead of 1 ms).
 *
 * The embedded database's owner therefore adds, once the collections exist, a plain SQLite index
 * on the expression the queries use to every collection table. SQLite keeps it up to date on
 * every write; FerretDB does not list it (its own index list lives in its metadata table) and a
 * dropped collection takes it along. Uniqueness stays with FerretDB's own index. Safe beside a
 * running FerretDB: SQLite's locking covers the schema change and FerretDB re-prepares its
 * statements. Returns the number of indexes added.
 */
export async function indexIdLookups(ferretdbDir: string): Promise<number> {
  if (!existsSync(ferretdbDir)) return 0;
  const files = readdirSync(ferretdbDir).filter((name) => name.endsWith('.sqlite'));
  if (files.length === 0) return 0;

  const { DatabaseSync } = await import('node:sqlite');
  let added = 0;
  for (const file of files) {
    const database = new DatabaseSync(path.join(ferretdbDir, file));
    try {
      database.exec('PRAGMA busy_timeout = 10000');
      const hasMetadata = database
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
        .get('_ferretdb_collections');
      if (!hasMetadata) continue;
      const tables = database
        .prepare('SELECT table_name AS tableName FROM _ferretdb_collections')
        .all() as Array<{ tableName: string }>;
      for (const { tableName } of tables) {
        const indexName = `${tableName}_id_lookup`;
        const present = database
          .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`)
          .get(indexName);
        if (present) continue;
        database.exec(
          `CREATE INDEX IF NOT EXISTS ${quote(indexName)} ON ${quote(tableName)} ` +
            `(_ferretdb_sjson->'$._id')`,
        );
        added += 1;
      }
    } finally {
      database.close();
    }
  }
  if (added) log.info({ added }, 'Indexed _id lookups of the embedded FerretDB');
  return added;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
