import ejs from 'ejs';
import { LRUCache } from 'lru-cache';
import nodemailer, { type Transporter } from 'nodemailer';
import path from 'node:path';
import { translator, type Locale } from './i18n.ts';
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

/**
 * Date formats per locale and zone. Building one costs more than using it, and each email needs
 * two; zones are IANA names checked on import, so the set stays small (bounded all the same).
 */
const formats = new LRUCache<string, { instant: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>({
  max: 500,
});

function formatsFor(locale: Locale, timeZone: string) {
  const key = `${locale}\n${timeZone}`;
  let found = formats.get(key);
  if (!found) {
    const tag = locale === 'nl' ? 'nl-NL' : 'en-GB';
    found = {
      instant: new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
      zone: new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'short' }),
    };
    formats.set(key, found);
  }
  return found;
}

/** An instant in the tenant's time zone, with the zone named: the reader may be elsewhere. */
function formatInstant(at: Date, locale: Locale, timeZone: string) {
  const { instant, zone } = formatsFor(locale, timeZone);
  const zoneName =
    zone.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  return `${instant.format(at)} (${zoneName})`;
}

// A line break in a name would let it pose as a line of the plain-text part, the code's too.
const oneLine = (value: string) => value.replace(/[\s\p{Cc}\u2028\u2029]+/gu, ' ').trim();

/**
 * Renders the code email in both parts; the plain-text part is always present. It says who
 * asked (application, tenant), when, and from where, so a person who did not ask can tell; the
 * only secret in it is the code, which never goes into the subject (lock screens show those).
 */
export async function renderEmailCode(message: EmailCodeMessage) {
  const t = translator(message.locale);
  const tenantName = oneLine(message.tenantName);
  const application = oneLine(message.application);
  const subject = t('mail.email-code.subject', { tenant: tenantName, tag: message.tag });
  const when = formatInstant(message.requestedAt, message.locale, message.timeZone);
  const locals = {
    locale: message.locale,
    t,
    subject,
    name: oneLine(message.name),
    tenantName,
    application,
    code: message.code,
    tag: message.tag,
    expires: formatInstant(message.expiresAt, message.locale, message.timeZone),
    details: [
      { label: t('mail.email-code.application'), value: application },
      { label: t('mail.email-code.organisation'), value: tenantName },
      { label: t('mail.email-code.when'), value: when },
      { label: t('mail.email-code.ip'), value: oneLine(message.ip) },
      { label: t('mail.email-code.browser'), value: oneLine(message.browser) },
    ],
  };
  const render = (part: string) =>
    ejs.renderFile(path.join(viewsDir, 'email', `email-code.${part}.ejs`), locals, { cache: true });
  return { subject, html: await render('html'), text: await render('text') };
}

/**
 * The longest a person waits for a send. The timeouts above bound each connection, but a send
 * queued behind busy connections to a silent server would wait for several of them in turn.
 */
const SEND_DEADLINE_MS = 12_000;

async function withinDeadline(sending: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = Object.assign(new Error('the mail server did not take the message in time'), {
        code: 'ETIMEDOUT',
      });
      reject(error);
    }, SEND_DEADLINE_MS);
  });
  // A send given up on may still finish or fail later; that outcome is not waited for.
  sending.catch(() => undefined);
  try {
    await Promise.race([sending, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** nodemailer over SMTP with a bounded wait, so a slow mail server cannot hang a sign-in. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  // A pool keeps a few SMTP connections open, so a code email does not wait for a new handshake.
  const transport: Transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 5,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10000,
  });
  return {
    async sendEmailCode(message) {
      const { subject, html, text } = await renderEmailCode(message);
      // Exactly one recipient, the stored address, passed as an object: no header parsing applies.
      const sending = transport.sendMail({
        from,
        to: { name: '', address: message.to },
        subject,
        html,
        text,
      });
      await withinDeadline(sending);
    },
    close() {
      transport.close();
    },
  };
}
