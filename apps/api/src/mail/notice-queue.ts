import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * SQL that turns rows of due notices into token_notice rows and outbox emails, in one
 * statement. `due` must yield (token_id, kind, tenant_id, owner_id); rows whose owner is not
 * active are dropped, a notice that already exists (unique token + kind) is skipped, and
 * all of one owner's new notices of this run share one email: its id is derived from the
 * owner and the run id.
 */
export function queueNoticesSql(due: string, extraCounts = ''): string {
  return `${due},
    queued as (
      insert into token_notice (id, token_id, kind, tenant_id, owner_id, outbox_id, created_at)
      select gen_random_uuid(), d.token_id, d.kind, d.tenant_id, d.owner_id,
             md5(d.owner_id::text || :run)::uuid, :now
        from due_notices d join app_user u on u.id = d.owner_id and u.status = 'active'
      on conflict (token_id, kind) do nothing
      returning outbox_id, tenant_id, owner_id),
    emails as (
      insert into mail_outbox (id, tenant_id, user_id, status, attempts, next_attempt_at, created_at)
      select distinct outbox_id, tenant_id, owner_id, 'queued', 0, :now, :now from queued
      on conflict (id) do nothing
      returning id)
    select ${extraCounts} (select count(*) from queued)::int as notices, (select count(*) from emails)::int as emails`;
}

export interface QueuedCounts {
  notices: number;
  emails: number;
}

/** Runs a statement with named parameters (:name) inside the caller's transaction. */
export async function executeNamed<T>(em: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
  const values: unknown[] = [];
  const text = sql.replace(/:([a-z][a-zA-Z]*)/g, (match, name: string) => {
    if (!(name in params)) return match;
    values.push(params[name]);
    // Typed, so a time also works where PostgreSQL cannot infer it (a SELECT list).
    return params[name] instanceof Date ? '?::timestamptz' : '?';
  });
  return em.getConnection().execute<T[]>(text, values, 'all', em.getTransactionContext());
}
