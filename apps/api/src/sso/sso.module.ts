import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { OidcController } from './oidc.controller.js';
import { OidcProviders } from './oidc-providers.js';
import { OidcSignInService } from './oidc-sign-in.service.js';
import { SsoAdminController } from './sso-admin.controller.js';
import { SsoAdminService } from './sso-admin.service.js';

/** Single sign-on (OpenID Connect): the admin settings and the sign-in flow. */
@Module({
  imports: [AuthModule, HistoryModule],
  controllers: [SsoAdminController, OidcController],
  providers: [SsoAdminService, OidcSignInService, OidcProviders],
  // For the demo seed's `DEMO_SSO=1` provider (development only).
  exports: [SsoAdminService],
})
export class SsoModule {}
