import { OutboxDispatcher } from '../../apps/api/src/mail/outbox.dispatcher';
import type { ApiClient } from './api-client';
import { sql } from './e2e-helpers';
import type { SmtpSink, ReceivedMail } from './smtp-sink';
import type { TestApp } from './test-app';

/** Waits for the emails a request queued (sent in the background) to be settled. */
export async function mailSettled(test: TestApp): Promise<void> {
  await test.app.get(OutboxDispatcher).whenIdle();
}

/** The one-time link of an account email: `{page, secret}` from `{PUBLIC_URL}/{page}#{secret}`. */
export function linkIn(mail: ReceivedMail): { url: string; page: string; secret: string } {
  const match = /(https?:\/\/\S+?)\/(accept-invite|reset-password)#([0-9a-f]{64})/.exec(mail.text);
  if (!match) throw new Error(`no account link in: ${mail.text}`);
  return { url: match[0], page: match[2], secret: match[3] };
}

/** The latest mail the sink got for an address, after the outbox settled. */
export async function lastMailTo(test: TestApp, sink: SmtpSink, address: string) {
  await mailSettled(test);
  const mails = sink.for(address);
  if (!mails.length) throw new Error(`no mail for ${address}`);
  return mails[mails.length - 1];
}

/** Invites a user through the admin API (asserting the 201). */
export async function invite(
  admin: ApiClient,
  username: string,
  extra: Record<string, unknown> = {},
) {
  const res = await admin.post<{ id: string }>('/api/admin/users', {
    username,
    email: `${username}@example.test`,
    displayName: `${username} Invited`,
    role: 'user',
    invite: true,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`invite ${username}: ${res.status} ${res.text}`);
  return res.body;
}

/** The sessions of a user in the database. */
export async function sessionCount(test: TestApp, userId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(
    test,
    'select count(*)::int as n from session where user_id = ?',
    [userId],
  );
  return row.n;
}

/** History events of a type about a user, oldest first. */
export function eventsOf(test: TestApp, userId: string, type: string) {
  return sql<{ actor_id: string | null; details: Record<string, unknown> }>(
    test,
    'select actor_id, details from history_event where subject_user_id = ? and type = ? order by seq',
    [userId, type],
  );
}
