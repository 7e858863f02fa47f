import { Module } from '@nestjs/common';
import { DataSourcesModule } from '../data-sources/data-sources.module.js';
import { ODataAuthModule } from '../odata-auth/odata-auth.module.js';
import { EntitySetReader } from './entity-set.reader.js';
import { FeedService } from './feed.service.js';
import { ODataController } from './odata.controller.js';
import { ODataService } from './odata.service.js';

@Module({
  imports: [ODataAuthModule, DataSourcesModule],
  controllers: [ODataController],
  providers: [FeedService, EntitySetReader, ODataService],
})
export class ODataModule {}
