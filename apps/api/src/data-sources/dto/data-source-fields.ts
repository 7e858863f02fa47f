import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { DATA_SOURCE_NAME_MAX, ROW_FILTER_MAX } from '@feedpass/contracts';
import { normalizeLabel } from '@feedpass/domain';
import { Check } from '../../common/validation.js';

const normalized = (value: unknown) =>
  typeof value === 'string' ? normalizeLabel(value, DATA_SOURCE_NAME_MAX) : null;

const isTableList = (value: unknown) =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((t) => typeof t === 'string') &&
  new Set(value).size === value.length;

const isFilterMap = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string' && v.length <= ROW_FILTER_MAX);

const optional = (test: (value: unknown) => boolean, required: boolean) => (value: unknown) =>
  (!required && value === undefined) || test(value);

/** A data source's name: 1–100 characters after trimming, `400 invalid_data_source`. */
export const NameField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      example: 'CRM deals',
      description: '1–100 characters after trimming',
    }),
    Transform(({ value }: { value: unknown }) => normalized(value) ?? value),
    Check(
      'isDataSourceName',
      optional((value) => normalized(value) !== null, required),
      'invalid_data_source',
      `name must be text of 1 to ${DATA_SOURCE_NAME_MAX} characters`,
    ),
  );

/** Tables of the catalog, distinct; whether each is in the catalog is the service's check. */
export const TablesField = (required = true) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      type: [String],
      example: ['deals', 'accounts'],
      description: 'tables or views from the catalog',
    }),
    Check(
      'isTableList',
      optional(isTableList, required),
      'invalid_data_source',
      'tables must be a non-empty list of distinct table names from the catalog',
    ),
  );

/** Source table → OData `$filter` text; parsed against the table by the service. */
export const RowFiltersField = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: { type: 'string' },
      example: { deals: "Stage eq 'Closed Won' and Amount gt 1000" },
    }),
    Check(
      'isRowFilterMap',
      optional(isFilterMap, false),
      'invalid_row_filter',
      `rowFilters must map table names to $filter expressions of at most ${ROW_FILTER_MAX} characters`,
    ),
  );
