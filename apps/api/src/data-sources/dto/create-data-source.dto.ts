import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import type { CreateDataSourceRequest } from '@feedpass/contracts';

/** Field names checked here; values by the service (`400 invalid_data_source`). */
export class CreateDataSourceDto implements CreateDataSourceRequest {
  @ApiProperty({ example: 'CRM deals', description: '1–100 characters after trimming' })
  @Allow()
  name: string;

  @ApiProperty({
    type: [String],
    example: ['deals', 'accounts'],
    description: 'tables or views from the catalog',
  })
  @Allow()
  tables: string[];
}
