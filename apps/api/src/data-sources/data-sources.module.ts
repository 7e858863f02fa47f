import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { CatalogService } from './catalog.service.js';
import { DataSourcesController } from './data-sources.controller.js';
import { DataSourcesService } from './data-sources.service.js';
import { SourceDatabase } from './source-database.js';

@Module({
  imports: [AuthModule, HistoryModule],
  controllers: [DataSourcesController],
  providers: [DataSourcesService, CatalogService, SourceDatabase],
  exports: [DataSourcesService, CatalogService, SourceDatabase],
})
export class DataSourcesModule {}
