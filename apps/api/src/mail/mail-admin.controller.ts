import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FailedMailList } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { MailAdminService } from './mail-admin.service.js';

@ApiTags('admin: mail')
@Controller('admin/mail')
@Authenticated({ admin: true })
export class MailAdminController {
  constructor(private readonly mail: MailAdminService) {}

  /** Expiry emails that kept failing and were parked, and how many are still queued. */
  @Get('failed')
  failed(@Auth() auth: Caller): Promise<FailedMailList> {
    return this.mail.failed(auth.tenantId);
  }
}
