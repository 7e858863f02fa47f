import { Migration } from '@mikro-orm/migrations';

export class Migration20261201203336 extends Migration {

  override name = 'Migration20261201203336';

  override up(): void | Promise<void> {
    this.addSql(`alter table "data_source" add "row_filters" jsonb not null default '{}', add "last_read_at" timestamptz null, add "last_read_by_id" uuid null;`);
    this.addSql(`alter table "data_source" add constraint "data_source_last_read_by_id_foreign" foreign key ("last_read_by_id") references "app_user" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "data_source" drop constraint "data_source_last_read_by_id_foreign";`);

    this.addSql(`alter table "data_source" drop column "row_filters", drop column "last_read_at", drop column "last_read_by_id";`);
  }

}
