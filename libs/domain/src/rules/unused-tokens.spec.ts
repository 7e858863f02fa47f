import {
  dueUnusedNotice,
  isoTimeSql,
  lastUseOf,
  unusedNoticeThresholds,
  unusedRevocationAt,
  unusedSql,
} from './unused-tokens';

const DAY = 24 * 60 * 60 * 1000;
const MINTED = new Date('2027-03-01T12:00:00.000Z');
const at = (days: number, ms = 0) => new Date(MINTED.getTime() + days * DAY + ms);

describe('unused tokens (SPEC 12)', () => {
  it('count from the last use, or from minting when never used', () => {
    expect(lastUseOf({ createdAt: MINTED, lastUsedAt: null })).toEqual(MINTED);
    expect(lastUseOf({ createdAt: MINTED, lastUsedAt: undefined })).toEqual(MINTED);
    expect(lastUseOf({ createdAt: MINTED, lastUsedAt: at(3) })).toEqual(at(3));
  });

  it('are revoked exactly `days` 24-hour days after that, across a daylight-saving change', () => {
    // 90 days from 1 March crosses the end of March, when Europe moves its clocks.
    expect(unusedRevocationAt(MINTED, 90)).toEqual(new Date('2027-05-30T12:00:00.000Z'));
    expect(unusedRevocationAt(at(1, 123), 7)).toEqual(at(8, 123));
  });

  it('warn only at thresholds shorter than the stretch', () => {
    expect(unusedNoticeThresholds([30, 7, 1], 30)).toEqual([7, 1]);
    expect(unusedNoticeThresholds([90, 14], 7)).toEqual([]);
    expect(unusedNoticeThresholds([], 30)).toEqual([]);
  });

  describe('dueUnusedNotice: the nearest threshold reached, until the revocation is due', () => {
    const due = (now: Date) => dueUnusedNotice(MINTED, 30, [7, 1], now);
    it.each<[string, Date, number | null]>([
      ['a minute before the 7-day threshold', at(23, -60_000), null],
      ['at it', at(23), 7],
      ['between the thresholds', at(26), 7],
      ['at the 1-day threshold', at(29), 1],
      ['a minute before the revocation', at(30, -60_000), 1],
      ['at the revocation (revoked, not warned)', at(30), null],
      ['after it', at(31), null],
    ])('%s', (_name, now, expected) => {
      expect(due(now)).toBe(expected);
    });
    it('skips a threshold not shorter than the stretch', () => {
      expect(dueUnusedNotice(MINTED, 7, [7, 1], at(0, 1))).toBeNull();
      expect(dueUnusedNotice(MINTED, 7, [7, 1], at(6))).toBe(1);
    });
  });

  it('has SQL forms on the index expression, with days of 24 hours', () => {
    expect(unusedSql.lastUse('t')).toBe('coalesce(t.last_used_at, t.created_at)');
    expect(unusedSql.lastUseBefore(':now', 'p.days')).toBe(":now - p.days * interval '24 hours'");
    expect(unusedSql.revokesAt('t', '30')).toBe(
      "coalesce(t.last_used_at, t.created_at) + 30 * interval '24 hours'",
    );
    expect(isoTimeSql('x')).toBe(`to_char(x at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  });
});
