import { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@mikro-orm/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Role } from '@feedpass/contracts';
import { DataSource, Tenant, User } from '@feedpass/domain';
import { callerOf } from '../auth/caller.js';
import { DataSourcesService } from '../data-sources/data-sources.service.js';
import { demoSchemaSql } from './demo-data.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SsoAdminService } from '../sso/sso-admin.service.js';
import { UsersService } from '../users/users.service.js';

export const DEMO_TENANT = 'Demo';
export const DEMO_PASSWORD = 'feedpass-demo';
export const DEMO_EMAIL_DOMAIN = 'demo.feedpass.test';
export const DEMO_USERS: { username: string; displayName: string; role: Role }[] = [
  { username: 'demo-admin', displayName: 'Demo Admin', role: 'admin' },
  { username: 'demo-user', displayName: 'Demo User', role: 'user' },
];

/**
 * The demo tenant: an admin and a user signing in with DEMO_PASSWORD, and a demo data
 * source owned by the user and shared with the admin. Idempotent: creates only what is missing, never
 * changes what exists. Refuses to run in production.
 */
@Injectable()
export class DemoSeed {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersService,
    private readonly dataSources: DataSourcesService,
    private readonly sso: SsoAdminService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `DEMO_SSO=1 npm start`: points the demo tenant's single sign-on at the embedded
   * provider (scripts/oidc-dev-provider.mjs), as demo-admin would on the *Single sign-on*
   * page. Left alone when it already points there. Refuses to run in production.
   */
  async configureSso(provider: {
    issuer: string;
    clientId: string;
    clientSecret: string;
  }): Promise<void> {
    if (this.config.nodeEnv === 'production') {
      throw new Error('The demo SSO refuses to run with NODE_ENV=production');
    }
    const admin = await this.em.findOneOrFail(
      User,
      { [sql.lower('username')]: DEMO_USERS[0].username },
      { populate: ['tenant'] },
    );
    const actor = callerOf(admin);
    const current = await this.sso.get(actor);
    if (
      current.enabled &&
      current.issuer === provider.issuer &&
      current.clientId === provider.clientId &&
      current.clientSecretSet
    )
      return;
    await this.sso.update(actor, {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      displayName: 'Sign in with Demo SSO',
      allowedDomains: [DEMO_EMAIL_DOMAIN],
      autoCreate: false,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: true,
    });
    this.logger.log(`Pointed the ${DEMO_TENANT} tenant's single sign-on at ${provider.issuer}`);
  }

  async run(): Promise<void> {
    if (this.config.nodeEnv === 'production') {
      throw new Error('The demo seed refuses to run with NODE_ENV=production');
    }
    let tenant = await this.em.findOne(Tenant, { name: DEMO_TENANT });
    if (!tenant) {
      tenant = this.em.create(Tenant, { name: DEMO_TENANT });
      await this.em.flush();
      this.logger.log(`Created the ${DEMO_TENANT} tenant`);
    }
    for (const demo of DEMO_USERS) {
      const exists = await this.em.count(User, { [sql.lower('username')]: demo.username });
      if (exists) continue;
      await this.users.create(
        { tenantId: tenant.id, userId: null },
        {
          ...demo,
          email: `${demo.username}@${DEMO_EMAIL_DOMAIN}`,
          password: DEMO_PASSWORD,
          timeZone: 'UTC',
        },
      );
      this.logger.log(`Created demo sign-in ${demo.username}`);
    }
    await this.seedSource();
  }

  /** The demo schema, and a ready data source owned by demo-user and shared with demo-admin. */
  private async seedSource(): Promise<void> {
    const connection = this.em.getConnection();
    for (const statement of demoSchemaSql(this.config.sourceSchema))
      await connection.execute(statement);
    const [admin, user] = await Promise.all(
      DEMO_USERS.map((u) => this.em.findOneOrFail(User, { [sql.lower('username')]: u.username })),
    );
    if (await this.em.count(DataSource, { owner: user.id })) return;
    // The demo user creates and shares it, as through the portal.
    const auth = callerOf(user);
    const source = await this.dataSources.create(auth, {
      name: 'CRM demo',
      tables: ['accounts', 'contacts', 'deals'],
    });
    await this.dataSources.share(auth, source.id, { userId: admin.id });
    this.logger.log(`Created the demo data source ${source.odataUrl}`);
  }
}
