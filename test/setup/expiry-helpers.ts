import { ExpiryJob } from '../../apps/api/src/expiry/expiry.job';
import type { ApiClient } from './api-client';
import { createUser, DAY, signIn, sql } from './e2e-helpers';
import { SmtpSink } from './smtp-sink';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from './test-app';
import { LONG_SESSIONS, mint } from './token-helpers';

export const PUBLIC_URL = 'https://feedpass.example.test';

/**
 * The stage of the expiry and mail specs: the app mailing a real SMTP sink, with sessions
 * that outlive days of clock moves, and Acme with its admin alice.
 */
export async function startMailingApp(): Promise<{
  sink: SmtpSink;
  test: TestApp;
  env: Record<string, string>;
  close(): Promise<void>;
}> {
  const sink = await SmtpSink.start();
  const env = { ...LONG_SESSIONS, SMTP_URL: sink.url, PUBLIC_URL };
  const test = await startTestApp(env);
  await seedTenant(test, 'Acme', [{ username: 'alice', role: 'admin' }]);
  const close = async () => {
    await test.close();
    await sink.stop();
  };
  return { sink, test, env, close };
}

/** The environment of a CLI process on the spec's database, mailing the same sink. */
export const cliEnv = (test: TestApp, sink: SmtpSink) => ({
  NODE_ENV: 'test',
  DATABASE_URL: test.databaseUrl,
  SMTP_URL: sink.url,
  PUBLIC_URL,
});

/** One expiry job run (one sweep, one outbox dispatch) as if it were `at`. */
export function runJob(test: TestApp, at: Date) {
  return test.app.get(ExpiryJob).runOnce(at);
}

/**
 * Moves the clock 30 days past the previous test and runs the job there, so whatever earlier
 * tests left due goes out now and each test's counts are its own (the job runs for the whole
 * database, and the clock only moves forward). Returns the test's start.
 */
export async function nextStart(test: TestApp): Promise<Date> {
  test.clock.advance(30 * DAY);
  const start = test.clock.now();
  await runJob(test, start);
  return start;
}

/** Moves the clock to `at` and runs the job there, as the scheduled tick would. */
export function runJobAt(test: TestApp, at: Date) {
  test.clock.set(at);
  return runJob(test, at);
}

/** A new user of Acme, created by its admin, and a signed-in client of theirs. */
export async function newAcmeUser(
  test: TestApp,
  username: string,
  extra: { timeZone?: string; displayName?: string } = {},
) {
  // A fresh admin session: sessions end after 7 idle days, and tests move days at a time.
  const admin = await signIn(test, 'alice', TEST_PASSWORD);
  const user = await createUser(admin, username, extra);
  return { user, client: await signIn(test, username, TEST_PASSWORD) };
}

export interface Minted {
  id: string;
  value: string;
}

/** Mints through the API; `expiresAt` omitted means the policy default (none: no expiry). */
export async function mintExpiring(
  client: ApiClient,
  label: string,
  expiresAt?: Date,
): Promise<Minted> {
  const created = await mint(
    client,
    label,
    expiresAt ? { expiresAt: expiresAt.toISOString() } : {},
  );
  return { id: created.token.id, value: created.value };
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
