import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import type {
  CreatedToken,
  RevokeAllResult,
  RotatedToken,
  Token,
  TokenList,
} from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { notFound } from '../common/api-exception.js';
import { CreateTokenDto } from './dto/create-token.dto.js';
import { UpdateTokenDto } from './dto/update-token.dto.js';
import { TokensService } from './tokens.service.js';

/** A malformed id cannot name one of the caller's tokens: the same `404` as any other. */
const TokenId = new ParseUUIDPipe({ exceptionFactory: () => notFound('Token') });

@ApiTags('tokens')
@Controller('tokens')
@Authenticated()
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  list(@Auth() auth: Caller): Promise<TokenList> {
    return this.tokens.list(auth);
  }

  @Post()
  @ApiCreatedResponse({
    description: 'The token and its value — the only time the value is ever returned',
  })
  @ApiConflictResponse({ description: '`active_token_limit`' })
  @ApiBadRequestResponse({
    description:
      '`invalid_label`, `expiry_not_allowed`, `expiry_required`, `expiry_out_of_range`, `invalid_scope`',
  })
  create(@Auth() auth: Caller, @Body() dto: CreateTokenDto): Promise<CreatedToken> {
    return this.tokens.create(auth, dto);
  }

  @Post('revoke-all')
  @HttpCode(200)
  revokeAll(@Auth() auth: Caller): Promise<RevokeAllResult> {
    return this.tokens.revokeAll(auth);
  }

  @Patch(':id')
  @ApiNotFoundResponse({ description: 'Not one of your tokens' })
  updateLabel(
    @Auth() auth: Caller,
    @Param('id', TokenId) id: string,
    @Body() dto: UpdateTokenDto,
  ): Promise<Token> {
    return this.tokens.updateLabel(auth, id, dto.label);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiNotFoundResponse({ description: 'Not one of your tokens' })
  revoke(@Auth() auth: Caller, @Param('id', TokenId) id: string): Promise<Token> {
    return this.tokens.revoke(auth, id);
  }

  @Post(':id/rotate')
  @ApiNotFoundResponse({ description: 'Not one of your tokens' })
  @ApiConflictResponse({ description: '`token_not_rotatable` (revoked) or `active_token_limit`' })
  rotate(@Auth() auth: Caller, @Param('id', TokenId) id: string): Promise<RotatedToken> {
    return this.tokens.rotate(auth, id);
  }
}
