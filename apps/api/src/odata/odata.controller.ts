import { All, Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ODataAuthGuard } from '../odata-auth/odata-auth.guard.js';
import { FEED_ROUTES } from './feed-paths.js';
import { ODataException } from './odata-error.js';
import { ODataService } from './odata.service.js';

/** Every address of a data source's feed: `/odata/{key}/…` (the service parses the rest). */
const FEED_PATHS = [...FEED_ROUTES];

/**
 * The OData v4 feed Power BI and Excel read, outside `/api`: the service document, `$metadata`,
 * entity sets, entities by key, properties, navigation and `$count`. GET (and HEAD) only.
 */
@ApiExcludeController()
@ApiBasicAuth()
@Controller('odata')
@UseGuards(ODataAuthGuard)
export class ODataController {
  constructor(private readonly odata: ODataService) {}

  @Get(FEED_PATHS)
  read(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.odata.handle(req, res);
  }
}

/**
 * The feed is read-only: any other method is 405 with `Allow`, before authentication; a GET
 * that reaches this far (`/odata` itself) names no data source.
 */
@ApiExcludeController()
@Controller('odata')
export class ODataMethodsController {
  @All(['', ...FEED_PATHS])
  refuse(@Req() req: Request): never {
    if (req.method === 'GET' || req.method === 'HEAD') {
      throw new ODataException(
        404,
        'not_found',
        'A feed lives at /odata/{key}/: add the key of a data source',
      );
    }
    throw new ODataException(
      405,
      'method_not_allowed',
      `The feed is read-only: ${req.method} is not allowed; use GET`,
      { Allow: 'GET, HEAD' },
    );
  }
}
