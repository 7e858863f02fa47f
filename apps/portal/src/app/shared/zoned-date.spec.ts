import {
  addDays,
  dayInZone,
  endOfDay,
  fromPickerDate,
  startOfDay,
  toPickerDate,
} from './zoned-date';

describe('zoned dates', () => {
  it('finds the day an instant falls on in the user’s zone, not the machine’s', () => {
    const instant = new Date('2024-01-01T23:30:00Z');
    expect(dayInZone(instant, 'Asia/Tokyo')).toEqual({ year: 2024, month: 1, day: 2 });
    expect(dayInZone(instant, 'America/New_York')).toEqual({ year: 2024, month: 1, day: 1 });
  });

  it('ends a day at 23:59:59.999 on the zone’s wall clock', () => {
    const day = { year: 2024, month: 3, day: 10 };
    expect(endOfDay(day, 'Asia/Tokyo').toISOString()).toBe('2024-03-10T14:59:59.999Z');
    expect(endOfDay(day, 'UTC').toISOString()).toBe('2024-03-10T23:59:59.999Z');
    // New York springs forward on 10 March 2024: the day ends at UTC-4, not UTC-5.
    expect(endOfDay(day, 'America/New_York').toISOString()).toBe('2024-03-11T03:59:59.999Z');
    expect(startOfDay(day, 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
  });

  it('follows the end of summer time too', () => {
    expect(endOfDay({ year: 2024, month: 10, day: 27 }, 'Europe/Berlin').toISOString()).toBe(
      '2024-10-27T22:59:59.999Z',
    );
  });

  it('treats an unknown zone as UTC', () => {
    expect(endOfDay({ year: 2024, month: 1, day: 1 }, 'Mars/Olympus').toISOString()).toBe(
      '2024-01-01T23:59:59.999Z',
    );
  });

  it('adds days across month and year ends, and round-trips through the picker', () => {
    expect(addDays({ year: 2024, month: 12, day: 31 }, 1)).toEqual({
      year: 2025,
      month: 1,
      day: 1,
    });
    expect(addDays({ year: 2024, month: 3, day: 1 }, -1)).toEqual({
      year: 2024,
      month: 2,
      day: 29,
    });
    const day = { year: 2024, month: 7, day: 4 };
    expect(fromPickerDate(toPickerDate(day))).toEqual(day);
  });
});
