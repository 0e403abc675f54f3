import { LRUCache } from 'lru-cache';
import Provider from 'oidc-provider';
import { findTenant } from '../adapters/tenants.ts';
import type { Config } from './config.ts';
import { log } from './logger.ts';
import { nowMs } from './clock.ts';
import { countHeldProviders } from './observability/metrics.ts';
import { buildConfiguration, tenantPath } from './oidc/configuration.ts';
import { subscribeProviderEvents } from './oidc/events.ts';
import type { Secrets } from './runtime.ts';
import { ensureAccountClient } from './account/client.ts';

export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const IDLE_SWEEP_MS = 60 * 1000;

/**
 * One oidc-provider instance per tenant, created on first use from the tenant's stored settings
 * and keys. Concurrent first requests share one creation; a tenant that does not exist is not
 * cached, so creating it later needs no restart. Instances hold no state of their own (it is all
 * in the database), so evicting one only costs rebuilding it; that keeps many thousands of tenants
 * within one process's memory.
 */
export class TenantRegistry {
  readonly #providers: LRUCache<string, Promise<Provider | null>>;
  readonly #config: Config;
  readonly #secrets: Secrets;
  readonly #stopCounting: () => void;
  readonly #idleSweep: NodeJS.Timeout;

  constructor(config: Config, secrets: Secrets) {
    this.#config = config;
    this.#secrets = secrets;
    this.#providers = new LRUCache({
      max: config.tenantCache.max,
      ttl: config.tenantCache.idleMs,
      updateAgeOnGet: true,
      // Idle time on the product clock, so tests can advance past it.
      perf: { now: nowMs },
    });
    this.#stopCounting = countHeldProviders(() => this.#providers.size);
    this.#idleSweep = setInterval(() => this.evictIdle(), IDLE_SWEEP_MS);
    this.#idleSweep.unref();
  }

  /**
   * Drops every instance idle for longer than the configured time. Runs every minute, so an idle
   * instance is gone within a minute of its time (the cache alone would only drop it when next
   * touched or pushed out). Returns how many it dropped.
   */
  evictIdle(): number {
    const before = this.#providers.size;
    this.#providers.purgeStale();
    return before - this.#providers.size;
  }

  /** Stops the idle sweep and leaves the instance count (at shutdown). */
  close(): void {
    clearInterval(this.#idleSweep);
    this.#stopCounting();
  }

  issuerFor(tenantId: string): string {
    return `${this.#config.publicUrl}${tenantPath(tenantId)}`;
  }

  async providerFor(tenantId: string): Promise<Provider | null> {
    if (!TENANT_ID.test(tenantId)) return null;
    let pending = this.#providers.get(tenantId);
    if (!pending) {
      pending = this.#create(tenantId);
      this.#providers.set(tenantId, pending);
      pending.then(
        (provider) => provider || this.evict(tenantId),
        () => this.evict(tenantId),
      );
    }
    return pending;
  }

  /** Drops the cached instance, so the next request builds it from fresh settings. */
  evict(tenantId: string): void {
    this.#providers.delete(tenantId);
  }

  /** Whether an instance for the tenant is held and not idle past its time. */
  holds(tenantId: string): boolean {
    return this.#providers.has(tenantId);
  }

  get size(): number {
    return this.#providers.size;
  }

  async #create(tenantId: string): Promise<Provider | null> {
    const tenant = await findTenant(tenantId);
    if (!tenant) return null;
    const issuer = this.issuerFor(tenantId);
    await ensureAccountClient(tenantId, issuer, this.#secrets);
    const provider = new Provider(issuer, buildConfiguration(tenant, this.#secrets));
    provider.proxy = this.#config.trustProxy;
    subscribeProviderEvents(provider, tenantId);
    log.debug({ tenant: tenantId }, 'Started the provider for a tenant');
    return provider;
  }
}
