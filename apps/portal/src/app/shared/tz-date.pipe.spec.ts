import { TestBed } from '@angular/core/testing';
import { TzDatePipe } from './tz-date.pipe';

describe('TzDatePipe', () => {
  const pipe = () => TestBed.runInInjectionContext(() => new TzDatePipe());
  // Intl puts a narrow no-break space before AM/PM; compare with plain spaces.
  const plain = (text: string) => text.replace(/\s/g, ' ');

  it('formats an instant in the given IANA time zone, not the machine zone', () => {
    const instant = '2024-01-01T23:30:00Z';
    expect(plain(pipe().transform(instant, 'Asia/Tokyo'))).toBe('Jan 2, 2024, 8:30 AM');
    expect(plain(pipe().transform(instant, 'America/New_York'))).toBe('Jan 1, 2024, 6:30 PM');
    expect(plain(pipe().transform(instant, 'UTC'))).toBe('Jan 1, 2024, 11:30 PM');
  });

  it('follows daylight saving time, which a fixed offset cannot', () => {
    expect(plain(pipe().transform('2024-07-01T12:00:00Z', 'Europe/Berlin'))).toBe(
      'Jul 1, 2024, 2:00 PM',
    );
    expect(plain(pipe().transform('2024-01-01T12:00:00Z', 'Europe/Berlin'))).toBe(
      'Jan 1, 2024, 1:00 PM',
    );
  });

  it('can show the date alone', () => {
    expect(pipe().transform('2024-01-01T23:30:00Z', 'Asia/Tokyo', 'date')).toBe('Jan 2, 2024');
  });

  it('falls back to UTC for a missing or unknown zone, and shows nothing for no date', () => {
    expect(plain(pipe().transform('2024-01-01T23:30:00Z', undefined))).toBe(
      'Jan 1, 2024, 11:30 PM',
    );
    expect(plain(pipe().transform('2024-01-01T23:30:00Z', 'Mars/Olympus'))).toBe(
      'Jan 1, 2024, 11:30 PM',
    );
    expect(pipe().transform(null, 'UTC')).toBe('');
    expect(pipe().transform('not a date', 'UTC')).toBe('');
  });
});
