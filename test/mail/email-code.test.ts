import { expect } from 'chai';
import { renderEmailCode, type EmailCodeMessage } from '../../provider/mailer.ts';
import { en } from '../../provider/messages/en.ts';
import { nl } from '../../provider/messages/nl.ts';

const message: EmailCodeMessage = {
  to: 'jan@supplier.example',
  locale: 'en',
  name: 'Jan <b>Jansen</b>',
  tenantName: 'Acme Facilities',
  timeZone: 'Europe/Amsterdam',
  application: 'Workplace',
  code: '042917',
  tag: 'KX7',
  expiresAt: new Date('2026-12-07T07:10:00Z'),
  requestedAt: new Date('2026-12-07T07:00:00Z'),
  ip: '198.51.100.7',
  browser: 'Firefox, Windows',
};

describe('the code email', function () {
  it('has a plain-text and an HTML part with the code, tag, application, time and origin', async function () {
    const mail = await renderEmailCode(message);
    expect(mail.subject).to.equal('Your sign-in code for Acme Facilities (KX7)');
    for (const part of [mail.text, mail.html]) {
      expect(part).to.contain('042917');
      expect(part).to.contain('KX7');
      expect(part).to.contain('Workplace');
      expect(part).to.contain('Acme Facilities');
      expect(part).to.contain('198.51.100.7');
      expect(part).to.contain('Firefox, Windows');
      expect(part).to.contain('08:10 (CET)'); // the expiry in the tenant's time zone, named
      expect(part).to.contain('08:00 (CET)'); // when it was asked for
      expect(part).to.contain(en['mail.email-code.not-you']);
      expect(part).to.contain(en['mail.email-code.never-asked']);
    }
  });

  it('speaks Dutch to a Dutch user, in both parts', async function () {
    const mail = await renderEmailCode({ ...message, locale: 'nl' });
    expect(mail.subject).to.equal('Uw aanmeldcode voor Acme Facilities (KX7)');
    expect(mail.html).to.contain('lang="nl"');
    for (const part of [mail.text, mail.html]) {
      expect(part).to.contain('Was u dit niet?');
      expect(part).to.contain(nl['mail.email-code.ip']);
      expect(part).to.contain('7 dec 2026');
      expect(part).to.not.contain('If this was not you');
    }
  });

  it('escapes names in the HTML part, leaves the plain-text part literal, and keeps the code out of the subject', async function () {
    const mail = await renderEmailCode(message);
    expect(mail.html).to.contain('Jan &lt;b&gt;Jansen&lt;/b&gt;');
    expect(mail.text).to.contain('Hello Jan <b>Jansen</b>,');
    expect(mail.text).to.not.contain('&lt;');
    expect(mail.subject).to.not.contain('042917');
  });

  it('keeps a line break in a name from posing as a line of the plain-text part', async function () {
    const mail = await renderEmailCode({ ...message, name: 'Jan\n\n    999999\n' });
    expect(mail.text).to.contain('Hello Jan 999999,');
    expect(mail.text.match(/^ *\d{6} *$/gm)).to.deep.equal(['    042917']);
  });

  it('holds no secret but the code: no address, no password, no link', async function () {
    const mail = await renderEmailCode(message);
    for (const part of [mail.text, mail.html]) {
      expect(part).to.not.contain(message.to);
      expect(part).to.not.match(/https?:\/\//);
    }
  });
});
