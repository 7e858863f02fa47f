import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SESSION_COOKIE, type CurrentUser, type LoginResponse } from '@feedpass/contracts';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Caller } from './caller.js';
import { AuthService } from './auth.service.js';
import { Auth, Authenticated } from './authenticated.decorator.js';
import { LoginDto } from './dto/login.dto.js';
import { SessionsService } from './sessions.service.js';
import { sessionCookieOptions, setSessionCookie } from './session-cookie.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Signed in; sets the session cookie' })
  @ApiUnauthorizedResponse({ description: '`invalid_credentials` or `account_deactivated`' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures; see `Retry-After`' })
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const { secret, user } = await this.auth.login({
      ...dto,
      ip: req.ip ?? 'unknown',
      userAgent: req.get('user-agent'),
      previousSecret: req.cookies?.[SESSION_COOKIE],
    });
    setSessionCookie(res, secret, this.config);
    return { user };
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.end(req.cookies[SESSION_COOKIE]);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config));
  }

  @Get('me')
  @Authenticated()
  me(@Auth() auth: Caller): Promise<CurrentUser> {
    return this.auth.me(auth);
  }
}
