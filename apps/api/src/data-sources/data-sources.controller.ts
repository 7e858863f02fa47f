import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import type { Catalog, DataSource, DataSourceList } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { notFound } from '../common/api-exception.js';
import { CatalogService } from './catalog.service.js';
import { DataSourcesService } from './data-sources.service.js';
import { CloneDataSourceDto } from './dto/clone-data-source.dto.js';
import { CreateDataSourceDto } from './dto/create-data-source.dto.js';
import { ListDataSourcesQueryDto } from './dto/data-source-query.dto.js';
import { TransferDataSourceDto } from './dto/transfer-data-source.dto.js';
import { UpdateDataSourceDto } from './dto/update-data-source.dto.js';
import { ShareDataSourceDto } from './dto/share-data-source.dto.js';

export const Id = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => notFound(what) });

@ApiTags('data sources')
@Controller('data-sources')
@Authenticated()
export class DataSourcesController {
  constructor(
    private readonly sources: DataSourcesService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  list(@Auth() auth: Caller, @Query() query: ListDataSourcesQueryDto): Promise<DataSourceList> {
    return this.sources.list(auth, query);
  }

  @Get('catalog')
  getCatalog(): Promise<Catalog> {
    return this.catalog.catalog();
  }

  @Post()
  @ApiBadRequestResponse({ description: '`invalid_data_source`' })
  create(@Auth() auth: Caller, @Body() dto: CreateDataSourceDto): Promise<DataSource> {
    return this.sources.create(auth, dto);
  }

  @Patch(':id')
  @ApiBadRequestResponse({ description: '`invalid_data_source`, `invalid_row_filter`' })
  @ApiNotFoundResponse({ description: 'Not a data source you own' })
  update(
    @Auth() auth: Caller,
    @Param('id', Id('Data source')) id: string,
    @Body() dto: UpdateDataSourceDto,
  ): Promise<DataSource> {
    return this.sources.update(auth, id, dto);
  }

  @Post(':id/clone')
  @ApiNotFoundResponse({ description: 'Not a data source you own or were shared' })
  clone(
    @Auth() auth: Caller,
    @Param('id', Id('Data source')) id: string,
    @Body() dto: CloneDataSourceDto,
  ): Promise<DataSource> {
    return this.sources.clone(auth, id, dto);
  }

  @Post(':id/transfer')
  @HttpCode(200)
  @ApiBadRequestResponse({ description: '`user_deactivated`, `already_owner`' })
  @ApiNotFoundResponse({
    description: 'Not yours (nor are you an admin), or no such user in your tenant',
  })
  transfer(
    @Auth() auth: Caller,
    @Param('id', Id('Data source')) id: string,
    @Body() dto: TransferDataSourceDto,
  ): Promise<DataSource> {
    return this.sources.transfer(auth, id, dto);
  }

  @Post(':id/shares')
  @HttpCode(200)
  @ApiBadRequestResponse({ description: '`cannot_share_with_self`' })
  @ApiNotFoundResponse({
    description:
      'Not a data source you own, or no such user in your tenant (another tenant’s users are not found either)',
  })
  share(
    @Auth() auth: Caller,
    @Param('id', Id('Data source')) id: string,
    @Body() dto: ShareDataSourceDto,
  ): Promise<DataSource> {
    return this.sources.share(auth, id, dto);
  }

  @Delete(':id/shares/:userId')
  @HttpCode(204)
  unshare(
    @Auth() auth: Caller,
    @Param('id', Id('Data source')) id: string,
    @Param('userId', Id('User')) userId: string,
  ): Promise<void> {
    return this.sources.unshare(auth, id, userId);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: Caller, @Param('id', Id('Data source')) id: string): Promise<void> {
    return this.sources.remove(auth, id);
  }
}
