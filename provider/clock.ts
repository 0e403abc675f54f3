/**
 * The product's one source of time. Tests freeze or advance it to reach expiry without sleeping;
 * oidc-provider keeps its own clock, so only the product's own rules (codes, limits, policy) read it.
 */
let offsetMs = 0;
let frozenAt: number | undefined;

export function now(): Date {
  return new Date(nowMs());
}

export function nowMs(): number {
  return frozenAt ?? Date.now() + offsetMs;
}

export function advanceClock(ms: number): void {
  if (frozenAt !== undefined) frozenAt += ms;
  else offsetMs += ms;
}

export function freezeClock(at: Date = now()): void {
  frozenAt = at.getTime();
}

export function resetClock(): void {
  offsetMs = 0;
  frozenAt = undefined;
}
