import { Controller, Get, HttpException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Health } from '@feedpass/contracts';
import { VERSION } from '../version.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @ApiOkResponse({ description: 'The API and its database are up' })
  @ApiServiceUnavailableResponse({ description: 'The database cannot be reached' })
  async check(): Promise<Health> {
    const database = await this.database();
    const health: Health = { status: database === 'up' ? 'ok' : 'degraded', database, version: VERSION };
    if (database === 'down') throw new HttpException({ ...health, statusCode: 503, code: 'service_unavailable', message: 'The database is unreachable' }, 503);
    return health;
  }

  private async database(): Promise<Health['database']> {
    try {
      await Promise.race([
        this.em.getConnection().execute('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
