export * from './edm.js';
export * from './odata-query-error.js';
export { tokenize, type Literal, type Token } from './lexer.js';
export {
  parseFilter,
  type ComparisonOperator,
  type FilterNode,
  type FunctionName,
  type LiteralNode,
} from './filter-parser.js';
export { compileFilter } from './sql-compiler.js';
export { parseOrderBy, type OrderByItem } from './orderby.js';
export { parseSelect } from './select.js';
