import { clip, resolveProperty, type EntitySetModel, type PropertyModel } from './edm.js';
import { ExpressionParser } from './filter-parser.js';
import { tokenize } from './lexer.js';
import { ODataQueryError } from './odata-query-error.js';

export interface OrderByItem {
  property: PropertyModel;
  descending: boolean;
}

const OPTION = '$orderby';

/**
 * Parses `$orderby` (`Name asc, CreatedAt desc`): plain properties only. Expressions are valid
 * OData but not supported (501); anything unparseable, unknown or repeated is a 400.
 */
export function parseOrderBy(text: string, set: EntitySetModel): OrderByItem[] {
  const parser = new ExpressionParser(tokenize(text, OPTION), OPTION);
  if (parser.peek().kind === 'eof') throw new ODataQueryError(400, `${OPTION} is empty`);
  const items: OrderByItem[] = [];
  for (;;) {
    const node = parser.parseExpression();
    if (node.kind === 'literal') {
      throw parser.error(400, `unexpected '${clip(node.text)}'`, node.pos, ', expected a property');
    }
    if (node.kind !== 'member') {
      const what = node.kind === 'call' ? `${node.name}()` : 'an expression';
      throw parser.error(
        501,
        `ordering by ${what} is not supported`,
        node.pos,
        '; order by properties',
      );
    }
    const property = resolveProperty(set, node.name, OPTION, node.pos);
    if (items.some((item) => item.property === property)) {
      throw parser.error(400, `property '${property.name}' appears more than once`, node.pos);
    }
    let descending = false;
    let token = parser.peek();
    if (parser.isName(token, 'asc') || parser.isName(token, 'desc')) {
      descending = token.text === 'desc';
      parser.next();
      token = parser.peek();
    }
    items.push({ property, descending });
    if (token.kind === 'eof') return items;
    if (!parser.isPunct(token, ','))
      throw parser.unexpected(token, "'asc', 'desc', ',' or the end");
    parser.next();
  }
}
