import { ODataException } from './odata-error.js';

/**
 * Splits and decodes the raw query string by hand: `URLSearchParams` would turn the `+`
 * of a date offset (`2025-02-03T00:00:00+01:00`) into a space. Only `%XX` is decoded.
 * Returns each option once, with its raw (still encoded) text for building next links.
 */
export interface QueryOption {
  name: string;
  value: string;
  raw: string;
}

export function parseQueryString(url: string): Map<string, QueryOption> {
  const at = url.indexOf('?');
  const options = new Map<string, QueryOption>();
  if (at < 0) return options;
  for (const raw of url.slice(at + 1).split('&')) {
    if (!raw) continue;
    const eq = raw.indexOf('=');
    const name = decode(eq < 0 ? raw : raw.slice(0, eq));
    const value = eq < 0 ? '' : decode(raw.slice(eq + 1));
    if (options.has(name))
      throw new ODataException(
        400,
        'bad_request',
        `The query option ${name} is given more than once`,
      );
    options.set(name, { name, value, raw });
  }
  return options;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ODataException(
      400,
      'bad_request',
      `The query string has a malformed %-escape near "${text.slice(0, 40)}"`,
    );
  }
}
