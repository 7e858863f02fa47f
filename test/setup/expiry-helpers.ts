import { ExpiryJob } from '../../apps/api/src/expiry/expiry.job';
import { DAY, sql } from './e2e-helpers';
import type { TestApp } from './test-app';

/** One expiry job run (one sweep, one outbox dispatch) as if it were `at`. */
export function runJob(test: TestApp, at: Date) {
  return test.app.get(ExpiryJob).runOnce(at);
}

export const addMs = (date: Date, ms: number) => new Date(date.getTime() + ms);
export const addDays = (date: Date, days: number) => addMs(date, days * DAY);

export interface OutboxRow {
  id: string;
  user_id: string;
  status: 'queued' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** The outbox rows addressed to one user, oldest first. */
export function outboxOf(test: TestApp, userId: string): Promise<OutboxRow[]> {
  return sql<OutboxRow>(
    test,
    'select * from mail_outbox where user_id = ? order by created_at, id',
    [userId],
  );
}

export interface NoticeRow {
  token_id: string;
  kind: string;
  outbox_id: string;
}

/** token_notice rows of one owner, ordered by token and kind. */
export function noticesOf(test: TestApp, ownerId: string): Promise<NoticeRow[]> {
  return sql<NoticeRow>(
    test,
    'select token_id, kind, outbox_id from token_notice where owner_id = ? order by token_id, kind',
    [ownerId],
  );
}

/** How many history events of `type` exist about one token. */
export async function eventCount(test: TestApp, tokenId: string, type: string): Promise<number> {
  const [row] = await sql<{ n: number }>(
    test,
    'select count(*)::int as n from history_event where token_id = ? and type = ?',
    [tokenId, type],
  );
  return row.n;
}
