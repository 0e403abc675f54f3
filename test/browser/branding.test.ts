import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { accentPalette, contrast } from '../../provider/branding.ts';
import { exportTenant } from '../../provider/tenant-file/export.ts';
import { importTenantFile } from '../../provider/tenant-file/import.ts';
import { validateTenantFile } from '../../provider/tenant-file/validate.ts';
import { startAuthorization } from '../support/relying-party.ts';
import { createTenant } from '../support/tenants.ts';
import {
  checkAccessibility,
  useChromium,
  LOGO_URL,
  screenshot,
  type TestContext,
} from './chromium.ts';

type Scope = {
  document: { querySelector(selector: string): unknown };
  getComputedStyle(element: unknown): { backgroundColor: string; color: string };
};

/** The colours the main button is drawn in, as the browser computed them. */
const buttonColours = (page: Page) =>
  page.evaluate(() => {
    const scope = globalThis as unknown as Scope;
    const style = scope.getComputedStyle(scope.document.querySelector('button[type="submit"]'));
    return { background: style.backgroundColor, text: style.color };
  });

const rgb = (hex: string) =>
  `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

function fileWith(tenant: Record<string, unknown>) {
  return { tenants: [{ id: 'brand-check', name: 'Brand check', ...tenant }] };
}

describe('tenant branding', function () {
  describe('in a real browser', function () {
    const chromium = useChromium();
    let open: TestContext;

    beforeEach(async function () {
      open = await chromium.open();
    });

    it("wears the tenant's name, logo and accent colour, the colour from its own stylesheet", async function () {
      const accent = '#ffd23f';
      const tenant = await createTenant({
        extra: {
          branding: { displayName: 'Harbour Facilities', logoUrl: LOGO_URL, accentColor: accent },
        },
      });
      const { page } = open;

      const response = await page.goto((await startAuthorization(tenant.rp)).url);
      const csp = response!.headers()['content-security-policy']!;
      expect(csp).to.contain(`img-src 'self' ${new URL(LOGO_URL).origin};`);
      expect(csp).to.contain("style-src 'self';");
      expect(await page.title()).to.contain('Harbour Facilities');
      const logo = page.locator('img.brand-logo');
      expect(await logo.getAttribute('alt')).to.equal('Harbour Facilities');
      expect(
        await logo.evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
      ).to.be.above(0);
      const sheet = await page.getAttribute('link[href*="branding.css"]', 'href');
      expect(sheet).to.match(new RegExp(`^/realms/${tenant.id}/branding\\.css\\?v=[0-9a-f]{10}$`));

      // A light accent gets dark text, so the button stays readable.
      expect(await buttonColours(page)).to.deep.equal({
        background: rgb(accent),
        text: rgb('#111418'),
      });
      await checkAccessibility(page, 'branded identifier');
      await screenshot(page, 'branded-identifier');
    });

    it('keeps the default look for a tenant without branding, and a dark accent gets white text', async function () {
      const plain = await createTenant();
      const dark = await createTenant({ extra: { branding: { accentColor: '#0b6e4f' } } });
      const { page } = open;

      await page.goto((await startAuthorization(plain.rp)).url);
      expect(await page.locator('link[href*="branding.css"]').count()).to.equal(0);
      expect(await page.locator('img').count()).to.equal(0);
      expect(await buttonColours(page)).to.deep.equal({
        background: rgb('#1f5fbf'),
        text: rgb('#ffffff'),
      });

      await page.goto((await startAuthorization(dark.rp)).url);
      expect(await buttonColours(page)).to.deep.equal({
        background: rgb('#0b6e4f'),
        text: rgb('#ffffff'),
      });
      await checkAccessibility(page, 'dark accent');
    });
  });

  describe('the colours derived from an accent', function () {
    it('keep button text and links at 4.5:1 or more, whatever the accent', function () {
      for (const accent of [
        '#ffffff',
        '#000000',
        '#ffd23f',
        '#777777',
        '#00ff00',
        '#1f5fbf',
        '#ff0000',
      ]) {
        const palette = accentPalette(accent);
        expect(contrast(palette.onAccent, palette.accent), accent).to.be.at.least(4.5);
        expect(contrast(palette.ink, '#ffffff'), accent).to.be.at.least(4.5);
      }
    });
  });

  describe('in the import file', function () {
    it('accepts a display name, an https logo and a #rrggbb colour, and a user language', function () {
      const result = validateTenantFile(
        fileWith({
          branding: {
            displayName: 'Harbour',
            logoUrl: 'https://cdn.example/logo.svg',
            accentColor: '#0B6E4F',
          },
          users: [{ username: 'jan', locale: 'nl' }],
        }),
      );
      expect(result.ok, JSON.stringify(result)).to.equal(true);
    });

    it('refuses a logo that is not https, a colour that is not #rrggbb and an unknown language', function () {
      const result = validateTenantFile(
        fileWith({
          branding: {
            logoUrl: 'http://cdn.example/logo.svg',
            accentColor: 'red',
            colour: '#000000',
          },
          users: [{ username: 'jan', locale: 'fr' }],
        }),
      );
      expect(result.ok).to.equal(false);
      expect(result.ok ? [] : result.errors).to.have.members([
        'tenants[0].branding.colour: unknown field',
        'tenants[0].branding.logoUrl: must be an https URL',
        'tenants[0].branding.accentColor: must be a colour as #rrggbb',
        'tenants[0].users[0].locale: must be en or nl',
      ]);
    });

    it('exports what it imported, and a second import changes nothing', async function () {
      const branding = { displayName: 'Harbour', logoUrl: LOGO_URL, accentColor: '#0b6e4f' };
      const tenant = await createTenant({
        users: [{ username: 'jan', email: 'jan@export.example', locale: 'nl' }],
        extra: { branding },
      });

      const exported = (await exportTenant(tenant.id))!.tenants[0]!;
      expect(exported.branding).to.deep.equal(branding);
      expect(exported.users?.[0]?.locale).to.equal('nl');
      const again = validateTenantFile(tenant.file);
      if (!again.ok) throw new Error(again.errors.join('\n'));
      const summary = await importTenantFile(again.file);
      expect(summary.tenants).to.deep.equal({ created: 0, updated: 0, unchanged: 1 });
      expect(summary.users).to.deep.equal({ created: 0, updated: 0, unchanged: 1 });
    });
  });
});
