import { ApiException } from '../common/api-exception.js';

/**
 * The feed throws the one error type; the global filter renders everything under `/odata`
 * as `{"error":{"code","message"}}`, OData's JSON error format. The old name stays for the feed's
 * call sites.
 */
export { ApiException as ODataException };

/** The one Basic challenge of every 401 under /odata: Power BI answers it with username + token. */
export const BASIC_CHALLENGE = 'Basic realm="feedpass", charset="UTF-8"';

export const unauthorized = (
  message = 'Sign in with your feedpass username and an access token as the password',
) => new ApiException(401, 'unauthorized', message, { 'WWW-Authenticate': BASIC_CHALLENGE });
