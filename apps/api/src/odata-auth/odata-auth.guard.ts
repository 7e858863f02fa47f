import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { unauthorized } from '../odata/odata-error.js';
import type { Caller } from '../auth/caller.js';

/** Basic authentication for the feed; every failure is the same 401 challenge. */
@Injectable()
export class ODataAuthGuard extends AuthGuard('basic') {
  override handleRequest<T = Caller>(
    error: unknown,
    principal: T | false,
    _info: unknown,
    context: ExecutionContext,
  ): T {
    if (error) throw error;
    if (!principal) throw unauthorized();
    context.switchToHttp().getRequest<Request>().caller = principal as unknown as Caller;
    return principal;
  }
}
