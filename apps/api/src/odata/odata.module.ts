import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DataSourcesModule } from '../data-sources/data-sources.module.js';
import { ODataAuthModule } from '../odata-auth/odata-auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { FeedService } from './feed.service.js';
import { ODataController, ODataMethodsController } from './odata.controller.js';
import { ODataService } from './odata.service.js';
import { PreviewController } from './preview.controller.js';
import { PreviewService } from './preview.service.js';
import { SourceQuery } from './read/source-query.js';

@Module({
  imports: [AuthModule, ODataAuthModule, DataSourcesModule, TokensModule],
  // GET routes first: the catch-all of the other methods must not shadow them.
  controllers: [ODataController, ODataMethodsController, PreviewController],
  providers: [FeedService, SourceQuery, ODataService, PreviewService],
})
export class ODataModule {}
