import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Health, Readiness } from '@feedpass/contracts';
import { ApiException } from '../common/api-exception.js';
import { pendingMigrations } from '../database/database.js';
import { VERSION } from '../version.js';
import { DatabaseProbe } from './database-probe.js';

const unavailable = (message: string, details: Record<string, unknown>) =>
  new ApiException(503, 'service_unavailable', message, {}, { ...details, version: VERSION });

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly probe: DatabaseProbe,
    private readonly orm: MikroORM,
  ) {}

  /**
   * Liveness, from the process's shared database probe: at most one ping in flight and its
   * result reused for a second (`DatabaseProbe`), so polling it costs the database nothing
   * more. While the probe knows the database is up, the answer comes from the liveness lane
   * in front of Express (`liveness-lane.ts`), with the same headers; this handler answers the
   * rest (the ping that refreshes the probe, and every 503).
   */
  @Get()
  @ApiOkResponse({ description: 'The API and its database are up' })
  @ApiServiceUnavailableResponse({ description: 'The database cannot be reached' })
  async check(): Promise<Health> {
    if (!(await this.probe.up())) {
      throw unavailable('The database is unreachable', { database: 'down' });
    }
    return { status: 'ok', database: 'up', version: VERSION };
  }

  /**
   * Readiness: the database answers a fresh ping and every migration this build knows is
   * applied. A load balancer sends traffic only to instances that say so.
   */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready to serve' })
  @ApiServiceUnavailableResponse({ description: 'Database down or migrations pending' })
  async ready(): Promise<Readiness> {
    if (!(await this.probe.ping())) {
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
}
