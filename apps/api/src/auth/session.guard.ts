import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SESSION_COOKIE } from '@feedpass/contracts';
import type { Request } from 'express';
import { forbidden, unauthenticated } from '../common/api-exception.js';
import { SessionsService } from './sessions.service.js';
import { AUTH_OPTIONS, type AuthenticatedOptions } from './caller.js';

/** Resolves the session cookie for routes marked `@Authenticated()`. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionsService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.getAllAndOverride<AuthenticatedOptions>(AUTH_OPTIONS, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request>();
    const secret: unknown = request.cookies?.[SESSION_COOKIE];
    const auth = typeof secret === 'string' && secret ? await this.sessions.resolve(secret) : null;
    if (!auth) throw unauthenticated();
    if (options?.admin && auth.role !== 'admin') {
      throw forbidden('Only a tenant admin can do this');
    }
    request.caller = auth;
    return true;
  }
}
