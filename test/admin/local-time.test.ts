import { expect } from 'chai';
import { AdminError } from '../../provider/admin/errors.ts';
import { parseInstant } from '../../provider/admin/local-time.ts';

const read = (value: string, zone = 'Europe/Amsterdam') =>
  parseInstant(value, zone, 'effectiveFrom').toISOString();

function problemOf(value: string, zone = 'Europe/Amsterdam'): string | undefined {
  try {
    parseInstant(value, zone, 'effectiveFrom');
    return undefined;
  } catch (error) {
    return (error as AdminError).problems?.[0];
  }
}

describe('dates operators type, read in the tenant time zone', function () {
  it('takes an instant with a zone or offset as it is', function () {
    expect(read('2027-01-04T08:00Z')).to.equal('2027-01-04T08:00:00.000Z');
    expect(read('2027-01-04T08:00:00+02:00')).to.equal('2027-01-04T06:00:00.000Z');
  });

  it('reads a wall-clock time in winter and in summer time', function () {
    expect(read('2027-01-04T08:00')).to.equal('2027-01-04T07:00:00.000Z');
    expect(read('2027-07-05T08:00')).to.equal('2027-07-05T06:00:00.000Z');
    expect(read('2027-01-04T08:00', 'America/New_York')).to.equal('2027-01-04T13:00:00.000Z');
    expect(read('2027-01-04T08:00', 'UTC')).to.equal('2027-01-04T08:00:00.000Z');
  });

  it('refuses a wall-clock time the clocks skip in spring', function () {
    expect(problemOf('2030-03-31T02:30')).to.equal(
      'effectiveFrom: 2030-03-31T02:30 does not exist in Europe/Amsterdam (the clocks skip it)',
    );
  });

  it('takes the earlier of the two instants when the clocks pass a time twice in autumn', function () {
    expect(read('2030-10-27T02:30')).to.equal('2030-10-27T00:30:00.000Z');
  });

  it('refuses what is not a date and time', function () {
    expect(problemOf('next monday')).to.match(/^effectiveFrom: must be a date and time/);
    expect(problemOf('2027-02-30T08:00Z')).to.match(/^effectiveFrom: must be a date and time/);
  });
});
