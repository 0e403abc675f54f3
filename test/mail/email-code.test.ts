import { expect } from 'chai';
import { renderEmailCode, type EmailCodeMessage } from '../../provider/mailer.ts';

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
    expect(mail.subject).to.equal('Your sign-in code for Acme Facilities');
    for (const part of [mail.text, mail.html]) {
      expect(part).to.contain('042917');
      expect(part).to.contain('KX7');
      expect(part).to.contain('Workplace');
      expect(part).to.contain('198.51.100.7');
      expect(part).to.contain('Firefox, Windows');
      expect(part).to.contain('08:10'); // the expiry in the tenant's time zone
    }
    expect(mail.text).to.contain('If this was not you');
  });

  it('speaks Dutch to a Dutch user', async function () {
    const mail = await renderEmailCode({ ...message, locale: 'nl' });
    expect(mail.subject).to.equal('Uw aanmeldcode voor Acme Facilities');
    expect(mail.text).to.contain('Was u dit niet?');
    expect(mail.html).to.contain('lang="nl"');
  });

  it('escapes names in the HTML part and keeps the code out of the subject', async function () {
    const mail = await renderEmailCode(message);
    expect(mail.html).to.contain('Jan &lt;b&gt;Jansen&lt;/b&gt;');
    expect(mail.subject).to.not.contain('042917');
  });
});
