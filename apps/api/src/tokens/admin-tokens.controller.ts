import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { InventoryPage } from '@feedpass/contracts';
import type { Caller } from '../auth/caller.js';
import { Auth, Authenticated } from '../auth/authenticated.decorator.js';
import { InventoryQueryDto } from './dto/inventory-query.dto.js';
import { TokenInventoryService } from './token-inventory.service.js';

@ApiTags('admin: tokens')
@Controller('admin/tokens')
@Authenticated({ admin: true })
export class AdminTokensController {
  constructor(private readonly inventory: TokenInventoryService) {}

  @Get()
  list(@Auth() auth: Caller, @Query() query: InventoryQueryDto): Promise<InventoryPage> {
    return this.inventory.list(auth.tenantId, query);
  }
}
