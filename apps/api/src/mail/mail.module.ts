import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MailAdminController } from './mail-admin.controller.js';
import { MailAdminService } from './mail-admin.service.js';
import { Mailer } from './mailer.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';

@Module({
  imports: [AuthModule],
  controllers: [MailAdminController],
  providers: [Mailer, OutboxDispatcher, MailAdminService],
  exports: [Mailer, OutboxDispatcher],
})
export class MailModule {}
