import type { RowFilters, UpdateDataSourceRequest } from '@feedpass/contracts';
import { NameField, RowFiltersField, TablesField } from './data-source-fields.js';

/** An edit by the owner: any of the three; what is left out stays as it is. */
export class UpdateDataSourceDto implements UpdateDataSourceRequest {
  @NameField(false)
  name?: string;

  @TablesField(false)
  tables?: string[];

  @RowFiltersField()
  rowFilters?: RowFilters;
}
