import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isUnavailable } from '../errors.ts';

/**
 * Prometheus metrics. Labels are bounded: tenant ids, sign-in methods, decision reasons and
 * route names from a fixed list, never user input.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'idp_' });

export const signIns = new Counter({
  name: 'idp_sign_ins_total',
  help: 'Completed sign-ins by tenant and method (pwd, mfa, fed)',
  labelNames: ['tenant', 'method'],
  registers: [registry],
});

export const emailCodes = new Counter({
  name: 'idp_email_codes_total',
  help: 'Email code events by tenant and outcome (sent, failed, locked, send-limited, send-failed)',
  labelNames: ['tenant', 'outcome'],
  registers: [registry],
});

export const passwordFailures = new Counter({
  name: 'idp_password_failures_total',
  help: 'Refused passwords by tenant and outcome (failed, locked)',
  labelNames: ['tenant', 'outcome'],
  registers: [registry],
});

export const decisions = new Counter({
  name: 'idp_two_factor_decisions_total',
  help: '2FA decisions by reason',
  labelNames: ['reason', 'required'],
  registers: [registry],
});

export const requestDuration = new Histogram({
  name: 'idp_http_request_duration_seconds',
  help: 'HTTP request latency by route',
  labelNames: ['route', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const dependencyErrors = new Counter({
  name: 'idp_dependency_errors_total',
  help: 'Errors talking to the database or the mail server',
  labelNames: ['dependency'],
  registers: [registry],
});

/**
 * Counts `error` as a database error when it is one (unreachable, timed out); each place where
 * errors end up (pages, the administration API, oidc-provider's own routes, background work)
 * calls this once per failure.
 */
export function countDatabaseError(error: unknown): boolean {
  const unavailable = isUnavailable(error);
  if (unavailable) dependencyErrors.inc({ dependency: 'database' });
  return unavailable;
}

const heldProviderCounts = new Set<() => number>();

/** Reports a registry's instance count in `idp_tenant_providers`; returns how to stop. */
export function countHeldProviders(count: () => number): () => void {
  heldProviderCounts.add(count);
  return () => heldProviderCounts.delete(count);
}

export const tenantProviders = new Gauge({
  name: 'idp_tenant_providers',
  help: 'oidc-provider instances currently held in memory',
  registers: [registry],
  // Read when scraped, so it is never out of step with the cache.
  collect() {
    let held = 0;
    for (const count of heldProviderCounts) held += count();
    this.set(held);
  },
});

const steps = new Set([
  'identifier',
  'password',
  'email-code',
  'resend',
  'restart',
  'federated',
  'callback',
]);

/** A route label from a path, from a fixed vocabulary so paths never blow up the series. */
export function routeOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'realms')
    return ['healthz', 'readyz', 'metrics', 'static', 'admin'].includes(parts[0] ?? '')
      ? parts[0]!
      : 'other';
  const area = parts[2] ?? 'root';
  if (area === 'interaction') {
    const step = parts.at(-1)!;
    return `interaction/${steps.has(step) ? step : 'page'}`;
  }
  const known = [
    'auth',
    'token',
    'me',
    'jwks',
    '.well-known',
    'session',
    'token-revocation',
    'account',
  ];
  return known.includes(area) ? area : 'other';
}
