import { expect } from 'chai';
import { en } from '../../provider/messages/en.ts';
import { nl } from '../../provider/messages/nl.ts';
import { textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import { REDIRECT_URI, signInWithPassword, submitCode } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const ALL = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
const tagOnPage = (html: string) => /<strong class="tag">([^<]+)<\/strong>/.exec(html)?.[1];

describe('the code email as sent in a sign-in', function () {
  it('carries the tag that the code page shows, in the subject and both parts', async function () {
    const { inbox } = testEnvironment();
    const email = 'tag@email-code.example';
    const tenant = await createTenant({ twoFactor: ALL, users: [{ username: 'tag', email }] });

    const before = inbox.messages.length;
    const signIn = await signInWithPassword(tenant.rp, 'tag', PASSWORD);
    const mail = await inbox.latestTo(email, before);
    const tag = tagOnPage(signIn.afterPassword.html);
    expect(tag).to.match(/^[A-Z]{2}[0-9]$/);
    expect(mail.subject).to.equal(`Your sign-in code for ${tenant.file.tenants[0]!.name} (${tag})`);
    expect(mail.text).to.contain(en['mail.email-code.tag'].replace('{tag}', tag!));
    expect(mail.html).to.contain(tag);
    expect(mail.text).to.contain('Workplace');
    expect(mail.text).to.match(/Chrome, Linux/);
    expect(mail.parsed.text, 'a plain-text part is always there').to.be.a('string');

    const callback = await submitCode(signIn, codeFrom(mail));
    expect(callback.url.startsWith(REDIRECT_URI)).to.equal(true);
  });

  it('is in Dutch when the sign-in is, with the same tag as the Dutch code page', async function () {
    const { inbox } = testEnvironment();
    const email = 'tag-nl@email-code.example';
    const tenant = await createTenant({
      twoFactor: ALL,
      users: [{ username: 'tagnl', email }],
      extra: { locale: 'nl' },
    });

    const before = inbox.messages.length;
    const signIn = await signInWithPassword(tenant.rp, 'tagnl', PASSWORD);
    const mail = await inbox.latestTo(email, before);
    const tag = tagOnPage(signIn.afterPassword.html)!;
    expect(textOf(signIn.afterPassword.html)).to.contain(nl['email-code.heading']);
    expect(mail.subject).to.equal(`Uw aanmeldcode voor ${tenant.file.tenants[0]!.name} (${tag})`);
    expect(mail.text).to.contain(nl['mail.email-code.tag'].replace('{tag}', tag));
  });
});
