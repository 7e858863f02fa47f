import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ODataAuthGuard } from '../odata-auth/odata-auth.guard.js';
import { ODataService } from './odata.service.js';

/**
 * The OData v4 feed Power BI reads (SPEC.md section 6), outside `/api`:
 * `/odata/{key}/`, `/odata/{key}/$metadata`, `/odata/{key}/{EntitySet}`, `.../$count`.
 */
@ApiExcludeController()
@ApiBasicAuth()
@Controller('odata')
@UseGuards(ODataAuthGuard)
export class ODataController {
  constructor(private readonly odata: ODataService) {}

  @Get(':key')
  serviceDocument(@Param('key') key: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.odata.serviceDocument(key, req, res);
  }

  @Get(':key/:segment')
  resource(@Param('key') key: string, @Param('segment') segment: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return segment === '$metadata' ? this.odata.metadata(key, req, res) : this.odata.entitySet(key, segment, req, res);
  }

  @Get(':key/:segment/:sub')
  count(
    @Param('key') key: string,
    @Param('segment') segment: string,
    @Param('sub') sub: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.odata.count(key, segment, sub, req, res);
  }
}
