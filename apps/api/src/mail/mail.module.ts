import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MailAdminController } from './mail-admin.controller.js';
import { MailAdminService } from './mail-admin.service.js';
import { Mailer } from './mailer.js';
import { NoticeRepository } from './notice.repository.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { OutboxRepository } from './outbox.repository.js';

@Module({
  imports: [AuthModule],
  controllers: [MailAdminController],
  providers: [Mailer, OutboxDispatcher, MailAdminService, OutboxRepository, NoticeRepository],
  exports: [Mailer, OutboxDispatcher, OutboxRepository, NoticeRepository],
})
export class MailModule {}
