import type { CloneDataSourceRequest } from '@feedpass/contracts';
import { NameField } from './data-source-fields.js';

export class CloneDataSourceDto implements CloneDataSourceRequest {
  @NameField()
  name: string;
}
