import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { MailModule } from '../mail/mail.module.js';
import { AccountController } from './account.controller.js';
import { AccountLinkRepository } from './account-link.repository.js';
import { AccountLinksService } from './account-links.service.js';
import { AccountService } from './account.service.js';
import { passwordResetThrottleProvider } from './password-reset-throttle.js';

/** One's own account, forgotten passwords and invitations (SPEC 13). */
@Module({
  imports: [AuthModule, HistoryModule, MailModule],
  controllers: [AccountController],
  providers: [
    AccountService,
    AccountLinksService,
    AccountLinkRepository,
    passwordResetThrottleProvider,
  ],
  exports: [AccountService, AccountLinksService],
})
export class AccountsModule {}
