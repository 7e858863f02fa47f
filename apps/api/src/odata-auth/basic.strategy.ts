import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { BasicStrategy } from 'passport-http';
import type { Caller } from '../auth/caller.js';
import { feedKeyOf } from '../odata/feed.service.js';
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
   * The feed's data source key (`/odata/{key}/…`) goes along, so the token and the data
   * source are read in one statement.
   */
  async validate(req: Request, username: string, token: string): Promise<Caller | false> {
    const origin = requestOrigin(req.ip, req.get('user-agent'));
    const key = feedKeyOf((req.params as Record<string, string | undefined>).key);
    return (await this.authenticator.authenticate(username, token, origin, key)) ?? false;
  }
}
