import { Controller, Get, HttpException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { pendingMigrations, ping } from '../database/database.js';
import type { Health } from '@feedpass/contracts';
import { VERSION } from '../version.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly em: EntityManager,
    private readonly orm: MikroORM,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The API and its database are up' })
  @ApiServiceUnavailableResponse({ description: 'The database cannot be reached' })
  async check(): Promise<Health> {
    const database = await this.database();
    const health: Health = { status: database === 'up' ? 'ok' : 'degraded', database, version: VERSION };
    if (database === 'down') throw new HttpException({ ...health, statusCode: 503, code: 'service_unavailable', message: 'The database is unreachable' }, 503);
    return health;
  }

  /**
   * Readiness: the database answers and every migration this build knows is applied. A
   * load balancer sends traffic only to instances that say so.
   */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready to serve' })
  @ApiServiceUnavailableResponse({ description: 'Database down or migrations pending' })
  async ready(): Promise<Health & { pendingMigrations: string[] }> {
    const database = await this.database();
    const pending = database === 'up' ? await pendingMigrations(this.orm).catch(() => ['unknown']) : [];
    const body = { status: database === 'up' && !pending.length ? 'ok' : 'degraded', database, version: VERSION, pendingMigrations: pending } as const;
    if (body.status !== 'ok') {
      const message = database === 'down' ? 'The database is unreachable' : `Migrations pending: ${pending.join(', ')}`;
      throw new HttpException({ ...body, statusCode: 503, code: 'service_unavailable', message }, 503);
    }
    return body;
  }

  private async database(): Promise<Health['database']> {
    try {
      await Promise.race([
        ping(this.em),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
