import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Health, Readiness } from '@feedpass/contracts';
import { ApiException } from '../common/api-exception.js';
import { pendingMigrations, ping } from '../database/database.js';
import { VERSION } from '../version.js';

const unavailable = (message: string, details: Record<string, unknown>) =>
  new ApiException(503, 'service_unavailable', message, {}, { ...details, version: VERSION });

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
    if (!(await this.databaseUp())) {
      throw unavailable('The database is unreachable', { database: 'down' });
    }
    return { status: 'ok', database: 'up', version: VERSION };
  }

  /**
   * Readiness: the database answers and every migration this build knows is applied. A
   * load balancer sends traffic only to instances that say so.
   */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready to serve' })
  @ApiServiceUnavailableResponse({ description: 'Database down or migrations pending' })
  async ready(): Promise<Readiness> {
    if (!(await this.databaseUp())) {
      throw unavailable('The database is unreachable', { database: 'down', pendingMigrations: [] });
    }
    const pending = await pendingMigrations(this.orm).catch(() => ['unknown']);
    if (pending.length) {
      throw unavailable(`Migrations pending: ${pending.join(', ')}`, {
        database: 'up',
        pendingMigrations: pending,
      });
    }
    return { status: 'ok', database: 'up', version: VERSION, pendingMigrations: [] };
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await Promise.race([
        ping(this.em),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
      return true;
    } catch {
      return false;
    }
  }
}
