import type { Config } from './config.ts';
import type { Mailer } from './mailer.ts';
import type { TenantRegistry } from './tenant-registry.ts';

/** Installation secrets, from the environment or generated once and kept in the database. */
export interface Secrets {
  cookieKeys: string[];
  codeHash: string;
}

/** What request handlers need besides the database: built once at start-up. */
export interface Runtime {
  config: Config;
  secrets: Secrets;
  mailer: Mailer;
  tenants: TenantRegistry;
}
