import { HttpException } from '@nestjs/common';

/** The OData error format `{"error":{"code","message"}}` (SPEC.md section 6). */
export class ODataException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: { code, message } }, status);
  }
}

/** Exactly the challenge SPEC.md section 6 asks for. */
export const BASIC_CHALLENGE = 'Basic realm="feedpass", charset="UTF-8"';

export const unauthorized = (message = 'Sign in with your feedpass username and an access token as the password') =>
  new ODataException(401, 'unauthorized', message, { 'WWW-Authenticate': BASIC_CHALLENGE });
