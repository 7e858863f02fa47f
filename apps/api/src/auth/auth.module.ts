import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { loginThrottleProvider } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { SessionGuard } from './session.guard.js';
import { SessionRepository } from './session.repository.js';
import { SessionsService } from './sessions.service.js';
import { UserRepository } from '../users/user.repository.js';
import { HistoryRecorder } from '../history/history.recorder.js';
import { HistoryRepository } from '../history/history.repository.js';
import { TenantSsoRepository } from '../sso/tenant-sso.repository.js';

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
    // Sign-ins are recorded; the history module imports this one, so its two stateless
    // providers are registered here too rather than imported (which would be a cycle).
    HistoryRecorder,
    HistoryRepository,
    // Password sign-in asks whether the tenant still allows passwords (SSO only).
    TenantSsoRepository,
  ],
  exports: [
    AuthService,
    SessionsService,
    SessionRepository,
    PasswordService,
    SessionGuard,
    UserRepository,
    TenantSsoRepository,
  ],
})
export class AuthModule {}
