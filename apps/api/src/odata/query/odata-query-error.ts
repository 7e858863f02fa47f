/**
 * A query option or path the feed cannot answer: 400 when it is malformed or ill-typed, 501 when it is
 * valid OData v4 that this feed does not implement. The message is meant for the person who
 * wrote the query (Power BI shows it), so it names the option, the offending part and where it
 * is (1-based character position).
 */
export class ODataQueryError extends Error {
  constructor(
    /** 404 where a path names no resource, 406 where no response format fits the request. */
    readonly status: 400 | 404 | 406 | 501,
    message: string,
  ) {
    super(message);
    this.name = 'ODataQueryError';
  }
}

/** Longest query option value accepted, in characters: a 16 kB query string is accepted. */
export const MAX_OPTION_LENGTH = 16_384;

/** Deepest nesting of parentheses, `not`, function calls and operator chains accepted. */
export const MAX_NESTING_DEPTH = 100;

export function checkOptionLength(text: string, option: string): void {
  if (text.length > MAX_OPTION_LENGTH) {
    throw new ODataQueryError(
      400,
      `${option} is too long (${text.length} characters, at most ${MAX_OPTION_LENGTH})`,
    );
  }
}

/**
 * `$filter: unexpected 'foo' at position 12, expected …`: what, where (1-based), then any
 * detail or hint, which starts with its own punctuation.
 */
export function queryError(
  status: 400 | 501,
  option: string,
  message: string,
  pos: number,
  detail = '',
): ODataQueryError {
  return new ODataQueryError(status, `${option}: ${message} at position ${pos + 1}${detail}`);
}
