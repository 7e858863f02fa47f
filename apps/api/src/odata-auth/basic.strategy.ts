import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { BasicStrategy } from 'passport-http';
import type { Caller } from '../auth/caller.js';
import { requestOrigin } from './request-origin.js';
import { TokenAuthenticator } from './token-authenticator.js';

/** passport-http's Basic scheme: the username, and an access token as the password. */
@Injectable()
export class TokenBasicStrategy extends PassportStrategy(BasicStrategy, 'basic') {
  constructor(private readonly authenticator: TokenAuthenticator) {
    super({ passReqToCallback: true, realm: 'feedpass' });
  }

  /**
   * Returning false makes passport fail the request (401). The address is `req.ip`: behind
   * a proxy, Express reads it from `X-Forwarded-For` as far as `TRUST_PROXY` trusts hops.
   */
  async validate(req: Request, username: string, token: string): Promise<Caller | false> {
    const origin = requestOrigin(req.ip, req.get('user-agent'));
    return (await this.authenticator.authenticate(username, token, origin)) ?? false;
  }
}
