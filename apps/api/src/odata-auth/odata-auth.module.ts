import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { HistoryModule } from '../history/history.module.js';
import { NoticeRepository } from '../mail/notice.repository.js';
import { AccessTokenRepository } from '../tokens/access-token.repository.js';
import { basicThrottleProvider } from './basic-throttle.js';
import { TokenBasicStrategy } from './basic.strategy.js';
import { ODataAuthGuard } from './odata-auth.guard.js';
import { TokenAuthenticator } from './token-authenticator.js';

@Module({
  imports: [PassportModule.register({ session: false }), HistoryModule],
  providers: [
    TokenBasicStrategy,
    TokenAuthenticator,
    AccessTokenRepository,
    NoticeRepository,
    basicThrottleProvider,
    ODataAuthGuard,
  ],
  exports: [ODataAuthGuard, PassportModule],
})
export class ODataAuthModule {}
