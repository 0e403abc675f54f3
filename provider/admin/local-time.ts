import { invalidInput } from './errors.ts';

const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const localTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * An instant from `2027-01-04T08:00Z`, `…+01:00`, or a wall-clock time without a zone, which is
 * read in the tenant's time zone (the policy is "shown in the tenant's time zone", DESIGN.md).
 * A wall-clock time the clocks skip is refused; one they pass twice means the earlier instant.
 */
export function parseInstant(value: string, timeZone: string, field: string): Date {
  if (withZone.test(value) && isCalendarDate(value)) return new Date(value);

  const match = localTime.exec(value);
  if (!match || !isCalendarDate(value)) {
    throw invalidInput([
      `${field}: must be a date and time such as 2027-01-04T08:00 (in ${timeZone}) or 2027-01-04T07:00Z`,
    ]);
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);

  // The offsets a day either side cover any one transition; keep the candidates that show the
  // asked-for wall-clock time in the zone.
  const candidates = [offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)]
    .map((offset) => wall - offset)
    .filter((instant) => wallClockOf(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  if (!candidates.length) {
    throw invalidInput([`${field}: ${value} does not exist in ${timeZone} (the clocks skip it)`]);
  }
  return new Date(candidates[0]!);
}

/** `Date` rolls 30 February over into March; a person who typed it meant something else. */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  const [hour, minute] = value.slice(11, 16).split(':').map(Number);
  return (
    date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60
  );
}

/** The instant shown as the tenant's wall-clock time, for people reading a date back. */
export function formatLocal(instant: Date, timeZone: string): string {
  return instant.toLocaleString('en-GB', { timeZone, timeZoneName: 'short' });
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClockOf(instant, timeZone) - instant;
}

/** The zone's wall-clock time at `instant`, written as if it were UTC milliseconds. */
function wallClockOf(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const whole = Math.floor(instant / 1000) * 1000;
  return (
    Date.UTC(
      part('year'),
      part('month') - 1,
      part('day'),
      part('hour'),
      part('minute'),
      part('second'),
    ) +
    (instant - whole)
  );
}
