import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125135651 } from './Migration20261125135651.js';
import { Migration20261125140634 } from './Migration20261125140634.js';
import { Migration20261125141126 } from './Migration20261125141126.js';
import { Migration20261125142453 } from './Migration20261125142453.js';
import { Migration20261201203336 } from './Migration20261201203336.js';
import { Migration20261201204405 } from './Migration20261201204405.js';
import { Migration20261201210538 } from './Migration20261201210538.js';
import { Migration20261201221946 } from './Migration20261201221946.js';

/**
 * Every migration, in order. `npm run migration:create` writes a new file here; add it to
 * this list (bundled, so the list works the same from dist/, jest and the CLI).
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261125135651', class: Migration20261125135651 },
  { name: 'Migration20261125140634', class: Migration20261125140634 },
  { name: 'Migration20261125141126', class: Migration20261125141126 },
  { name: 'Migration20261125142453', class: Migration20261125142453 },
  { name: 'Migration20261201203336', class: Migration20261201203336 },
  { name: 'Migration20261201204405', class: Migration20261201204405 },
  { name: 'Migration20261201210538', class: Migration20261201210538 },
  { name: 'Migration20261201221946', class: Migration20261201221946 },
];
