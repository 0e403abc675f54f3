import ejs from 'ejs';
import nodemailer, { type Transporter } from 'nodemailer';
import path from 'node:path';
import { translator, type Locale } from './i18n.ts';
import { log } from './logger.ts';
import { viewsDir } from './pages.ts';

export interface EmailCodeMessage {
  to: string;
  locale: Locale;
  name: string;
  tenantName: string;
  timeZone: string;
  application: string;
  code: string;
  tag: string;
  expiresAt: Date;
  requestedAt: Date;
  ip: string;
  browser: string;
}

export interface Mailer {
  sendEmailCode(message: EmailCodeMessage): Promise<void>;
  close(): void;
}

function formatInstant(at: Date, locale: Locale, timeZone: string) {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(at);
}

/** Renders the code email in both parts; the plain-text part is always present. */
export async function renderEmailCode(message: EmailCodeMessage) {
  const t = translator(message.locale);
  const subject = t('mail.email-code.subject', { tenant: message.tenantName });
  const locals = {
    ...message,
    t,
    subject,
    expires: formatInstant(message.expiresAt, message.locale, message.timeZone),
    when: formatInstant(message.requestedAt, message.locale, message.timeZone),
  };
  const render = (part: string) =>
    ejs.renderFile(path.join(viewsDir, 'email', `email-code.${part}.ejs`), locals, { cache: true });
  return { subject, html: await render('html'), text: await render('text') };
}

/** nodemailer over SMTP with a bounded wait, so a slow mail server cannot hang a sign-in. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10000,
  } as object);
  return {
    async sendEmailCode(message) {
      const { subject, html, text } = await renderEmailCode(message);
      // Exactly one recipient, the stored address, passed as an object so no header parsing applies.
      await transport.sendMail({
        from,
        to: { name: '', address: message.to },
        subject,
        html,
        text,
      });
      log.info({ locale: message.locale }, 'Sent an email code');
    },
    close() {
      transport.close();
    },
  };
}
