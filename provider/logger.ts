import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Field paths that may carry secrets; pino replaces them before a line is written. Paths are
 * explicit: an error's own `code` (ECONNREFUSED, 11000) stays readable, while a `code` in
 * request parameters, a body or a query (an authorization code, an email code) is hidden.
 */
export const redactedPaths = [
  'password',
  'code',
  'token',
  'cookie',
  'client_secret',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.client_secret',
  '*.cookie',
  '*.authorization',
  'params.code',
  'body.code',
  'query.code',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: redactedPaths };
  return destination ? pino(options, destination) : pino(options);
}

export let log: Logger = createLogger(process.env.LOG_LEVEL ?? 'info');

/** Replaces the process's logger; `destination` (default: standard output) is for tests. */
export function configureLogger(level: string, destination?: DestinationStream): Logger {
  log = createLogger(level, destination);
  return log;
}
