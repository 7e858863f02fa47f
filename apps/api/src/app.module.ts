import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ormConfig } from '@feedpass/domain';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuthModule } from './auth/auth.module.js';
import { Clock } from './common/clock.js';
import { CommonModule } from './common/common.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { DemoSeed } from './dev/demo-seed.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { DataSourcesModule } from './data-sources/data-sources.module.js';
import { ExpiryModule } from './expiry/expiry.module.js';
import { MailModule } from './mail/mail.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ODataModule } from './odata/odata.module.js';
import { PolicyModule } from './policy/policy.module.js';
import { SecretScanningModule } from './secret-scanning/secret-scanning.module.js';
import { SsoModule } from './sso/sso.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppOverrides {
  /** Tests pass a FixedClock to move time. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: Clock, useValue: overrides.clock ?? new Clock() },
    ];
    return {
      module: AppModule,
      imports: [
        CommonModule.with(providers),
        MetricsModule,
        LoggingModule,
        MikroOrmModule.forRoot({
          ...ormConfig({ clientUrl: config.databaseUrl }),
          driver: PostgreSqlDriver,
          // One request context per request, as the one middleware app.factory.ts installs
          // (Nest's consumer would mount it once per route prefix).
          registerRequestContext: false,
        }),
        AuthModule,
        HistoryModule,
        AccountsModule,
        UsersModule,
        SsoModule,
        PolicyModule,
        TokensModule,
        DataSourcesModule,
        ODataModule,
        MailModule,
        ExpiryModule,
        SecretScanningModule,
        HealthModule,
      ],
      providers: [DemoSeed],
    };
  }
}
