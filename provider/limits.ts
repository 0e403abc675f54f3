import { ClaimsRateLimiter, type Reservation } from '../adapters/claims-rate-limiter.ts';

/**
 * Budgets against guessing and flooding, counted in the database (so they hold across processes,
 * interactions and IP addresses). Keys name the tenant; identifiers are lower-cased as typed, so
 * an unknown username is limited exactly like a real one and nothing is revealed.
 */
export const limits = {
  /** Wrong passwords for one identifier: 10 per 15-minute window; then locked until it ends. */
  passwordPerIdentifier: new ClaimsRateLimiter({ keyPrefix: 'pwd-id', points: 10, duration: 900 }),
  /** Wrong passwords from one client IP address: 100 per 15 minutes. */
  passwordPerIp: new ClaimsRateLimiter({ keyPrefix: 'pwd-ip', points: 100, duration: 900 }),
  /** Wrong email codes for one account, over all its sign-ins: 10 per hour-long window. */
  codeFailuresPerAccount: new ClaimsRateLimiter({
    keyPrefix: 'code-fail',
    points: 10,
    duration: 3600,
  }),
  /** Code emails for one account: 5 per 15 minutes. */
  sendsPerAccount: new ClaimsRateLimiter({ keyPrefix: 'send-acc', points: 5, duration: 900 }),
  /** Code emails to one address, whichever account: 10 per hour. */
  sendsPerAddress: new ClaimsRateLimiter({ keyPrefix: 'send-to', points: 10, duration: 3600 }),
};

export type LimitName = keyof typeof limits;

/** Whether the key has used up its budget in this window, without spending anything. */
export async function isExhausted(name: LimitName, key: string): Promise<boolean> {
  return limits[name].isUsedUp(key);
}

/**
 * Takes one point before the outcome is known (see ClaimsRateLimiter.reserve); undefined when the
 * budget is used up. The guessing budgets are counted this way, so parallel guesses get no more
 * comparisons than the budget allows; so are the send budgets, so a send that fails gives its
 * point back.
 */
export function reserve(
  name: Exclude<LimitName, 'passwordPerIp'>,
  key: string,
): Promise<Reservation | undefined> {
  return limits[name].reserve(key);
}

/** Spends one point; false when that went over the budget. */
export async function spend(name: LimitName, key: string): Promise<boolean> {
  return limits[name].consume(key).then(
    () => true,
    (refusal: unknown) => {
      if (refusal instanceof Error) throw refusal;
      return false;
    },
  );
}
