import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MailModule } from '../mail/mail.module.js';
import { ExpirySweep } from './expiry-sweep.js';
import { ExpiryJob } from './expiry.job.js';

@Module({
  imports: [ScheduleModule.forRoot(), MailModule],
  providers: [ExpirySweep, ExpiryJob],
  exports: [ExpiryJob],
})
export class ExpiryModule {}
