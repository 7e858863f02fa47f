import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  SESSION_COOKIE,
  SSO_ERROR_PARAM,
  type SignInOptions,
  type TenantSignIn,
} from '@feedpass/contracts';
import type { Request, Response } from 'express';
import { setSessionCookie } from '../auth/session-cookie.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import {
  ATTEMPT_COOKIE,
  ATTEMPT_COOKIE_PATH,
  ATTEMPT_MINUTES,
  OidcSignInService,
  SsoFailure,
} from './oidc-sign-in.service.js';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** Public sign-in routes of single sign-on: what to offer, and the code flow's two legs. */
@ApiTags('auth')
@Controller('auth')
export class OidcController {
  constructor(
    private readonly oidc: OidcSignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('sign-in-options')
  @ApiOkResponse({ description: 'Unknown usernames answer like a password-only tenant' })
  signInOptions(@Query('username') username: unknown): Promise<SignInOptions> {
    return this.oidc.signInOptions(text(username));
  }

  @Get('tenants/:slug')
  tenant(@Param('slug') slug: string): Promise<TenantSignIn> {
    return this.oidc.tenantSignIn(slug);
  }

  @Get('oidc/start')
  @ApiFoundResponse({ description: 'To the provider, or to the sign-in page with `?sso_error=`' })
  async start(@Query('tenant') tenant: unknown, @Res() res: Response): Promise<void> {
    try {
      const { location, attempt } = await this.oidc.start(text(tenant));
      res.cookie(ATTEMPT_COOKIE, attempt, {
        ...this.attemptCookie(),
        maxAge: ATTEMPT_MINUTES * 60_000,
      });
      res.redirect(302, location);
    } catch (error) {
      this.fail(res, error);
    }
  }

  /** Exempt from the XSRF pair (a GET from the provider's redirect): the sealed attempt authenticates it. */
  @Get('oidc/callback')
  @ApiFoundResponse({
    description: 'To the portal signed in, or to the sign-in page with `?sso_error=`',
  })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const sealed = text(req.cookies?.[ATTEMPT_COOKIE]);
    // Used once, whatever happens next.
    res.clearCookie(ATTEMPT_COOKIE, this.attemptCookie());
    try {
      const query = req.originalUrl.includes('?')
        ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
        : '';
      const secret = await this.oidc.callback(query, sealed, {
        ip: req.ip ?? 'unknown',
        userAgent: req.get('user-agent'),
        previousSecret: text(req.cookies?.[SESSION_COOKIE]),
      });
      setSessionCookie(res, secret, this.config);
      res.redirect(302, `${this.config.publicUrl}/`);
    } catch (error) {
      this.fail(res, error);
    }
  }

  private attemptCookie() {
    return {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: this.config.cookieSecure,
      path: ATTEMPT_COOKIE_PATH,
    };
  }

  private fail(res: Response, error: unknown): void {
    if (!(error instanceof SsoFailure)) throw error;
    res.redirect(302, `${this.config.publicUrl}/login?${SSO_ERROR_PARAM}=${error.code}`);
  }
}
