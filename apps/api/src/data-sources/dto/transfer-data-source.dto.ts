import type { TransferDataSourceRequest } from '@feedpass/contracts';
import { ShareDataSourceDto } from './share-data-source.dto.js';

/** The new owner, by id or username (one of the two), as for sharing. */
export class TransferDataSourceDto
  extends ShareDataSourceDto
  implements TransferDataSourceRequest {}
