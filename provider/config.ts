import { z } from 'zod';

/** Thrown when the environment cannot make a working provider; names the variable at fault. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.variable = variable;
  }
}

const secret = z.string().min(32, 'must be at least 32 characters');
const secretList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()))
  .pipe(z.array(secret).min(1));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Sign-in <no-reply@idp.localhost>'),
  INBOX_PORT: z.coerce.number().int().min(1).max(65535).default(1080),
  COOKIE_KEYS: secretList.optional(),
  CODE_HASH_SECRET: secret.optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  TENANT_CACHE_SIZE: z.coerce.number().int().min(1).default(1000),
  TENANT_IDLE_SECONDS: z.coerce.number().int().min(1).default(900),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  mongodbUri?: string;
  dataDir: string;
  smtpUrl?: string;
  mailFrom: string;
  inboxPort: number;
  cookieKeys?: string[];
  codeHashSecret?: string;
  trustProxy: boolean;
  tenantCache: { max: number; idleMs: number };
  logLevel: string;
}

/** Reads the environment once; the first invalid variable stops start-up. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), issue.message);
  }

  const values = parsed.data;
  if (values.NODE_ENV === 'production') {
    if (!values.COOKIE_KEYS) throw new ConfigError('COOKIE_KEYS', 'is required in production');
    if (!values.CODE_HASH_SECRET) {
      throw new ConfigError('CODE_HASH_SECRET', 'is required in production');
    }
  }

  return {
    env: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    mongodbUri: values.MONGODB_URI,
    dataDir: values.DATA_DIR,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    inboxPort: values.INBOX_PORT,
    cookieKeys: values.COOKIE_KEYS,
    codeHashSecret: values.CODE_HASH_SECRET,
    trustProxy: values.TRUST_PROXY === 'true',
    tenantCache: { max: values.TENANT_CACHE_SIZE, idleMs: values.TENANT_IDLE_SECONDS * 1000 },
    logLevel: values.LOG_LEVEL,
  };
}
