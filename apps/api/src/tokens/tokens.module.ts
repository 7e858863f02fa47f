import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DataSourcesModule } from '../data-sources/data-sources.module.js';
import { HistoryModule } from '../history/history.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { AccessTokenRepository } from './access-token.repository.js';
import { AdminTokensController } from './admin-tokens.controller.js';
import { TokenInventoryService } from './token-inventory.service.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [AuthModule, HistoryModule, PolicyModule, DataSourcesModule],
  controllers: [TokensController, AdminTokensController],
  providers: [TokensService, TokenInventoryService, AccessTokenRepository],
  exports: [TokensService, AccessTokenRepository],
})
export class TokensModule {}
