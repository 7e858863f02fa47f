import type { CreateDataSourceRequest } from '@feedpass/contracts';
import { NameField, TablesField } from './data-source-fields.js';

/** A new data source: `400 invalid_data_source` when a value is wrong. */
export class CreateDataSourceDto implements CreateDataSourceRequest {
  @NameField()
  name: string;

  @TablesField()
  tables: string[];
}
