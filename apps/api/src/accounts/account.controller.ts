import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { CurrentUser, LoginResponse, SessionList } from '@feedpass/contracts';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { notFound } from '../common/api-exception.js';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { setSessionCookie } from '../auth/session-cookie.js';
import { AccountService } from './account.service.js';
import {
  AcceptInvitationDto,
  ChangePasswordDto,
  CompletePasswordResetDto,
  PasswordResetDto,
  UpdateProfileDto,
} from './dto/account.dto.js';

const SessionId = new ParseUUIDPipe({ exceptionFactory: () => notFound('Session') });

@ApiTags('auth')
@Controller('auth')
export class AccountController {
  constructor(
    private readonly account: AccountService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Patch('me')
  @Authenticated()
  updateMe(@Auth() auth: Caller, @Body() dto: UpdateProfileDto): Promise<CurrentUser> {
    return this.account.updateProfile(auth, dto);
  }

  @Post('password')
  @HttpCode(204)
  @Authenticated()
  @ApiBadRequestResponse({ description: '`wrong_password` or `weak_password`' })
  changePassword(@Auth() auth: Caller, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.account.changePassword(auth, dto);
  }

  @Get('sessions')
  @Authenticated()
  sessions(@Auth() auth: Caller): Promise<SessionList> {
    return this.account.listSessions(auth);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiNotFoundResponse({ description: 'Not one of your sessions' })
  endSession(@Auth() auth: Caller, @Param('id', SessionId) id: string): Promise<void> {
    return this.account.endSession(auth, id);
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Always, whether or not the username exists' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests; see `Retry-After`' })
  requestReset(@Body() dto: PasswordResetDto, @Req() req: Request): Promise<void> {
    return this.account.requestReset(dto.username, req.ip ?? 'unknown');
  }

  @Post('password-reset/complete')
  @HttpCode(204)
  @ApiBadRequestResponse({ description: '`invalid_link` or `weak_password`' })
  completeReset(@Body() dto: CompletePasswordResetDto): Promise<void> {
    return this.account.completeReset(dto);
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @ApiBadRequestResponse({ description: '`invalid_link` or `weak_password`' })
  async acceptInvitation(
    @Body() dto: AcceptInvitationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const { secret, user } = await this.account.acceptInvitation(dto, {
      ip: req.ip ?? 'unknown',
      userAgent: req.get('user-agent'),
    });
    setSessionCookie(res, secret, this.config);
    return { user };
  }
}
