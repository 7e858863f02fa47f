import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { UserList, UserSummary } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { notFound } from '../common/api-exception.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UsersService } from './users.service.js';

/** A malformed id cannot name a user of the caller's tenant: the same `404` as any other. */
const UserId = new ParseUUIDPipe({ exceptionFactory: () => notFound('User') });

@ApiTags('admin: users')
@Controller('admin/users')
@Authenticated({ admin: true })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@Auth() auth: Caller): Promise<UserList> {
    return this.users.list(auth);
  }

  @Post()
  @ApiConflictResponse({ description: '`username_taken`' })
  create(@Auth() auth: Caller, @Body() dto: CreateUserDto): Promise<UserSummary> {
    return this.users.create(auth, dto);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiNotFoundResponse({ description: 'No such user in your tenant' })
  deactivate(@Auth() auth: Caller, @Param('id', UserId) id: string): Promise<UserSummary> {
    return this.users.deactivate(auth, id);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiNotFoundResponse({ description: 'No such user in your tenant' })
  reactivate(@Auth() auth: Caller, @Param('id', UserId) id: string): Promise<UserSummary> {
    return this.users.reactivate(auth, id);
  }

  @Patch(':id')
  @ApiNotFoundResponse({ description: 'No such user in your tenant' })
  @ApiBadRequestResponse({ description: '`last_admin`: the last active admin cannot be demoted' })
  update(
    @Auth() auth: Caller,
    @Param('id', UserId) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserSummary> {
    return this.users.update(auth, id, dto);
  }

  @Post(':id/password-reset')
  @HttpCode(202)
  @ApiNotFoundResponse({ description: 'No such user in your tenant' })
  sendPasswordReset(@Auth() auth: Caller, @Param('id', UserId) id: string): Promise<void> {
    return this.users.sendPasswordReset(auth, id);
  }

  @Post(':id/invitation/resend')
  @HttpCode(200)
  @ApiBadRequestResponse({ description: '`no_pending_invitation`' })
  resendInvitation(@Auth() auth: Caller, @Param('id', UserId) id: string): Promise<UserSummary> {
    return this.users.resendInvitation(auth, id);
  }

  @Delete(':id/invitation')
  @HttpCode(204)
  @ApiBadRequestResponse({ description: '`no_pending_invitation`' })
  cancelInvitation(@Auth() auth: Caller, @Param('id', UserId) id: string): Promise<void> {
    return this.users.cancelInvitation(auth, id);
  }
}
