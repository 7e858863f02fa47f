import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { TenantRepository } from './tenant.repository.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AuthModule, HistoryModule, AccountsModule],
  controllers: [UsersController],
  providers: [UsersService, TenantRepository],
  exports: [UsersService, TenantRepository],
})
export class UsersModule {}
