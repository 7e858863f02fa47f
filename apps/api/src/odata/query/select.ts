import { clip, resolveProperty, type EntitySetModel, type PropertyModel } from './edm.js';
import { IDENTIFIER } from './lexer.js';
import { checkOptionLength, ODataQueryError } from './odata-query-error.js';

const OPTION = '$select';
const BLANKS = /^[ \t\r\n]*/;

/**
 * Parses `$select`: a comma-separated list of property names, `*` for all. The result keeps the
 * requested order without repeats; `*` anywhere yields every property in model order.
 */
export function parseSelect(text: string, set: EntitySetModel): PropertyModel[] {
  checkOptionLength(text, OPTION);
  if (text.trim() === '') throw new ODataQueryError(400, `${OPTION} is empty`);
  const selected: PropertyModel[] = [];
  let all = false;
  let start = 0;
  for (const raw of text.split(',')) {
    const pos = start + (BLANKS.exec(raw)?.[0].length ?? 0);
    start += raw.length + 1;
    const item = raw.trim();
    const fail = (status: 400 | 501, message: string) =>
      new ODataQueryError(status, `${OPTION}: ${message} at position ${pos + 1}`);
    if (item === '') throw fail(400, 'empty item');
    if (item === '*') {
      all = true;
      continue;
    }
    IDENTIFIER.lastIndex = 0;
    const name = IDENTIFIER.exec(item);
    if (name && name[0].length === item.length) {
      const property = resolveProperty(set, item, OPTION, pos);
      if (!selected.includes(property)) selected.push(property);
      continue;
    }
    if (name && /^[/(.]/.test(item.slice(name[0].length))) {
      const what = item.includes('/')
        ? 'navigation and property paths'
        : item.includes('(')
          ? 'nested options and operations'
          : 'qualified names';
      throw fail(501, `${what} ('${clip(item)}') are not supported`);
    }
    throw fail(400, `'${clip(item)}' is not a property name`);
  }
  return all ? [...set.properties] : selected;
}
