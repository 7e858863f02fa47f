import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { SsoSettings, SsoTestResult } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { SsoTestDto, UpdateSsoDto } from './dto/update-sso.dto.js';
import { SsoAdminService } from './sso-admin.service.js';

@ApiTags('admin')
@Controller('admin/sso')
@Authenticated({ admin: true })
export class SsoAdminController {
  constructor(private readonly sso: SsoAdminService) {}

  @Get()
  @ApiOkResponse({ description: 'The settings; the client secret only as `clientSecretSet`' })
  get(@Auth() auth: Caller): Promise<SsoSettings> {
    return this.sso.get(auth);
  }

  @Put()
  @ApiBadRequestResponse({ description: '`invalid_sso` or `validation_failed`' })
  update(@Auth() auth: Caller, @Body() dto: UpdateSsoDto): Promise<SsoSettings> {
    return this.sso.update(auth, dto);
  }

  @Post('test')
  @HttpCode(200)
  @ApiBadRequestResponse({ description: '`sso_issuer_unreachable` or `invalid_sso`' })
  test(@Auth() auth: Caller, @Body() dto: SsoTestDto): Promise<SsoTestResult> {
    return this.sso.test(auth, dto.issuer);
  }
}
