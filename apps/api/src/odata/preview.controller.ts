import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import type { DataSourcePreview } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { Id } from '../data-sources/data-sources.controller.js';
import { PreviewQueryDto } from '../data-sources/dto/data-source-query.dto.js';
import { PreviewService } from './preview.service.js';

/** A data source's rows as its feed serves them, for the portal (it lives with the feed). */
@ApiTags('data sources')
@Controller('data-sources')
@Authenticated()
export class PreviewController {
  constructor(private readonly previews: PreviewService) {}

  @Get(':id/preview')
  @ApiBadRequestResponse({ description: '`invalid_data_source`: not a published table' })
  @ApiNotFoundResponse({ description: 'Not a data source you own or were shared' })
  preview(
    @Auth() auth: Caller,
    @Param('id', Id('Data source')) id: string,
    @Query() query: PreviewQueryDto,
  ): Promise<DataSourcePreview> {
    return this.previews.preview(auth, id, query);
  }
}
