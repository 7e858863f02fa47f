import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ApiCookieAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AUTH_OPTIONS, type Caller, type AuthenticatedOptions } from './caller.js';
import { SessionGuard } from './session.guard.js';

/** The route needs a signed-in session (and, with `admin`, an admin). */
export function Authenticated(options: AuthenticatedOptions = {}) {
  return applyDecorators(
    SetMetadata(AUTH_OPTIONS, options),
    UseGuards(SessionGuard),
    ApiCookieAuth(),
    ApiUnauthorizedResponse({ description: 'Not signed in (`unauthenticated`)' }),
    ...(options.admin
      ? [ApiForbiddenResponse({ description: 'Not a tenant admin (`forbidden`)' })]
      : []),
  );
}

/** The `Caller`, set by the session guard. */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const auth = context.switchToHttp().getRequest<Request>().caller;
  if (!auth) throw new Error('@Auth() used on a route without @Authenticated()');
  return auth;
});
