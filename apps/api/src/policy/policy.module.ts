import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { MailModule } from '../mail/mail.module.js';
import { AccessTokenRepository } from '../tokens/access-token.repository.js';
import { PolicyController } from './policy.controller.js';
import { PolicyRepository } from './policy.repository.js';
import { PolicyService } from './policy.service.js';

@Module({
  imports: [AuthModule, HistoryModule, MailModule],
  controllers: [PolicyController],
  // The access-token repository is stateless: the tokens module has its own instance.
  providers: [PolicyService, PolicyRepository, AccessTokenRepository],
  exports: [PolicyService],
})
export class PolicyModule {}
