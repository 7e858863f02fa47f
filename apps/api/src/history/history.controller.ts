import { Controller, Get, Headers, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { HistoryPage } from '@feedpass/contracts';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { Clock } from '../common/clock.js';
import { AdminHistoryQueryDto, HistoryQueryDto } from './dto/history-query.dto.js';
import { HistoryService } from './history.service.js';

@ApiTags('history')
@Controller()
export class HistoryController {
  constructor(
    private readonly history: HistoryService,
    private readonly clock: Clock,
  ) {}

  /** The caller's own events. */
  @Get('history')
  @Authenticated()
  own(@Auth() auth: Caller, @Query() query: HistoryQueryDto): Promise<HistoryPage> {
    return this.history.page({ tenantId: auth.tenantId, subjectUserId: auth.userId }, query);
  }

  /** The whole tenant; `Accept: text/csv` exports every row of the same filter. */
  @Get('admin/history')
  @Authenticated({ admin: true })
  @ApiProduces('application/json', 'text/csv')
  tenant(
    @Auth() auth: Caller,
    @Query() query: AdminHistoryQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HistoryPage> | StreamableFile {
    const scope = { tenantId: auth.tenantId };
    if (!accept?.includes('text/csv')) return this.history.page(scope, query);
    const stamp = this.clock.now().toISOString().slice(0, 10);
    res.setHeader('Content-Disposition', `attachment; filename="feedpass-history-${stamp}.csv"`);
    return new StreamableFile(Readable.from(this.history.csv(scope, query)), {
      type: 'text/csv; charset=utf-8',
    });
  }
}
