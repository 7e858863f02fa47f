import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { DATA_SOURCE_NAME_MAX, type CreateDataSourceRequest } from '@feedpass/contracts';
import { normalizeLabel } from '@feedpass/domain';
import { Check } from '../../common/validation.js';

const normalized = (value: unknown) =>
  typeof value === 'string' ? normalizeLabel(value, DATA_SOURCE_NAME_MAX) : null;

const isTableList = (value: unknown) =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((t) => typeof t === 'string') &&
  new Set(value).size === value.length;

/** A new data source: `400 invalid_data_source` when a value is wrong. */
export class CreateDataSourceDto implements CreateDataSourceRequest {
  @ApiProperty({ example: 'CRM deals', description: '1–100 characters after trimming' })
  @Transform(({ value }: { value: unknown }) => normalized(value) ?? value)
  @Check(
    'isDataSourceName',
    (value) => normalized(value) !== null,
    'invalid_data_source',
    `name must be text of 1 to ${DATA_SOURCE_NAME_MAX} characters`,
  )
  name: string;

  /** Whether each is in the catalog is the service's check (it reads the catalog). */
  @ApiProperty({
    type: [String],
    example: ['deals', 'accounts'],
    description: 'tables or views from the catalog',
  })
  @Check(
    'isTableList',
    isTableList,
    'invalid_data_source',
    'tables must be a non-empty list of distinct table names from the catalog',
  )
  tables: string[];
}
