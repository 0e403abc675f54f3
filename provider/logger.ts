import { pino, type Logger } from 'pino';

/** Field paths that may carry secrets; pino replaces them before a line is written. */
const redact = [
  'password',
  'code',
  'token',
  'cookie',
  '*.password',
  '*.code',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export let log: Logger = pino({ level: process.env.LOG_LEVEL ?? 'info', redact });

export function configureLogger(level: string): Logger {
  log = pino({ level, redact });
  return log;
}
