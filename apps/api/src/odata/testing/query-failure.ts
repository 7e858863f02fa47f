import { ODataQueryError } from '../query/odata-query-error.js';

/** The ODataQueryError `run` throws; fails the spec when it throws nothing or something else. */
export function queryFailure(what: string, run: () => unknown): ODataQueryError {
  try {
    run();
  } catch (e) {
    if (e instanceof ODataQueryError) return e;
    throw e;
  }
  throw new Error(`${what} did not fail`);
}
