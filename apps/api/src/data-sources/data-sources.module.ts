import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { AdminDataSourcesController } from './admin-data-sources.controller.js';
import { AdminDataSourcesService } from './admin-data-sources.service.js';
import { CatalogService } from './catalog.service.js';
import { DataSourceRepository } from './data-source.repository.js';
import { DataSourcesController } from './data-sources.controller.js';
import { DataSourcesService } from './data-sources.service.js';
import { SourceCatalogRepository } from './source-catalog.repository.js';
import { SourceDatabase } from './source-database.js';

@Module({
  imports: [AuthModule, HistoryModule],
  controllers: [DataSourcesController, AdminDataSourcesController],
  providers: [
    DataSourcesService,
    AdminDataSourcesService,
    DataSourceRepository,
    CatalogService,
    SourceCatalogRepository,
    SourceDatabase,
  ],
  exports: [DataSourcesService, DataSourceRepository, CatalogService, SourceDatabase],
})
export class DataSourcesModule {}
