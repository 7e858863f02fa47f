import { inject, LOCALE_ID, Pipe, PipeTransform } from '@angular/core';

export type TzDateStyle = 'date' | 'datetime';

const STYLES: Record<TzDateStyle, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
};

/**
 * Formats an ISO-8601 instant in an IANA time zone (`Europe/Berlin`), which Angular's DatePipe
 * cannot do: it only takes fixed offsets, so it gets daylight saving wrong.
 */
@Pipe({ name: 'tzDate' })
export class TzDatePipe implements PipeTransform {
  private readonly locale = inject(LOCALE_ID);
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  transform(
    value: string | Date | null | undefined,
    timeZone: string | null | undefined = 'UTC',
    style: TzDateStyle = 'datetime',
  ): string {
    if (value === null || value === undefined || value === '') return '';
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) return '';
    return this.format(timeZone || 'UTC', style).format(date);
  }

  private format(timeZone: string, style: TzDateStyle): Intl.DateTimeFormat {
    const key = `${timeZone}|${style}`;
    let format = this.formats.get(key);
    if (!format) {
      try {
        format = new Intl.DateTimeFormat(this.locale, { ...STYLES[style], timeZone });
      } catch {
        // An unknown zone name must not break the page: fall back to UTC.
        format = new Intl.DateTimeFormat(this.locale, { ...STYLES[style], timeZone: 'UTC' });
      }
      this.formats.set(key, format);
    }
    return format;
  }
}
