import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { loginThrottleProvider } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { SessionGuard } from './session.guard.js';
import { SessionRepository } from './session.repository.js';
import { SessionsService } from './sessions.service.js';
import { UserRepository } from '../users/user.repository.js';

@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    SessionsService,
    SessionRepository,
    UserRepository,
    PasswordService,
    loginThrottleProvider,
    SessionGuard,
  ],
  exports: [SessionsService, PasswordService, SessionGuard, UserRepository],
})
export class AuthModule {}
