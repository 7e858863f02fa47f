import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiTags } from '@nestjs/swagger';
import type { Policy, PolicyUpdateResult } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { UpdatePolicyDto } from './dto/update-policy.dto.js';
import { PolicyService } from './policy.service.js';

@ApiTags('policy')
@Controller()
export class PolicyController {
  constructor(private readonly policy: PolicyService) {}

  @Get('policy')
  @Authenticated()
  get(@Auth() auth: Caller): Promise<Policy> {
    return this.policy.get(auth.tenantId);
  }

  @Put('admin/policy')
  @Authenticated({ admin: true })
  @ApiBadRequestResponse({ description: '`invalid_policy`' })
  update(@Auth() auth: Caller, @Body() dto: UpdatePolicyDto): Promise<PolicyUpdateResult> {
    return this.policy.update(auth, dto.rules(), dto.applyToExisting === true);
  }
}
