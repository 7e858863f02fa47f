import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AdminDataSourceList } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { AdminDataSourcesService } from './admin-data-sources.service.js';
import { AdminDataSourcesQueryDto } from './dto/data-source-query.dto.js';

@ApiTags('admin: data sources')
@Controller('admin/data-sources')
@Authenticated({ admin: true })
export class AdminDataSourcesController {
  constructor(private readonly inventory: AdminDataSourcesService) {}

  @Get()
  list(
    @Auth() auth: Caller,
    @Query() query: AdminDataSourcesQueryDto,
  ): Promise<AdminDataSourceList> {
    return this.inventory.list(auth.tenantId, query);
  }
}
