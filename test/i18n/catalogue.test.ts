import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { catalogues, locales, placeholdersOf } from '../../provider/i18n.ts';
import { viewsDir } from '../../provider/pages.ts';

/**
 * Everything a person reads comes from the catalogue (STYLE.md, habit 6), so these checks keep
 * the languages and the views in step: the same ids everywhere, and no view asking for an id
 * that is not there.
 */

async function listViews(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listViews(full);
      return Promise.resolve(entry.name.endsWith('.ejs') ? [full] : []);
    }),
  );
  return nested.flat();
}

/** Calls that take a catalogue id: t('id', …) and split('id', …) in the views. */
const literalCall = /\b(?:t|split)\(\s*'([^']*)'/g;
const anyCall = /\b(?:t|split)\(\s*([^'\s)][^,)]*)/g;
/** Values that carry an id chosen in code, where the type system checks it (MessageId). */
const idVariables = new Set(['error', 'notice', 'messageId', 'headingId', 'reason']);

describe('the message catalogue', function () {
  const reference = Object.keys(catalogues.en).sort();

  for (const locale of locales) {
    it(`has every id in ${locale}, and no other`, function () {
      expect(Object.keys(catalogues[locale]).sort()).to.deep.equal(reference);
    });

    it(`has no empty or padded text in ${locale}`, function () {
      const bad = Object.entries(catalogues[locale])
        .filter(([, text]) => !text || text !== text.trim())
        .map(([id]) => id);
      expect(bad).to.deep.equal([]);
    });
  }

  it('uses the same placeholders in every language', function () {
    const mismatched = reference.filter((id) =>
      locales.some(
        (locale) =>
          placeholdersOf(catalogues[locale][id as keyof typeof catalogues.en]).join() !==
          placeholdersOf(catalogues.en[id as keyof typeof catalogues.en]).join(),
      ),
    );
    expect(mismatched).to.deep.equal([]);
  });

  it('has every id that a view or email template asks for', async function () {
    const files = await listViews(viewsDir);
    const missing: string[] = [];
    let found = 0;
    for (const file of files) {
      const source = await readFile(file, 'utf8');
      for (const [, id] of source.matchAll(literalCall)) {
        found += 1;
        if (!(id! in catalogues.en)) missing.push(`${path.relative(viewsDir, file)}: ${id}`);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(found, 'the scan found the views’ texts').to.be.above(50);
  });

  it('lets views pass only known id-carrying values to t(), never text built in the view', async function () {
    const files = await listViews(viewsDir);
    const unknown: string[] = [];
    for (const file of files) {
      const source = await readFile(file, 'utf8');
      for (const [, argument] of source.matchAll(anyCall)) {
        if (!idVariables.has(argument!.trim())) {
          unknown.push(`${path.relative(viewsDir, file)}: t(${argument})`);
        }
      }
    }
    expect(unknown).to.deep.equal([]);
  });
});
