import type { EntityManager } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { MailMessage, Mailer } from './mailer.js';
import { isStaleUnusedWarning, noticeKind } from './notice-kinds.js';
import {
  backoff,
  BATCH_SIZE,
  MAX_ATTEMPTS,
  noticeLines,
  OutboxDispatcher,
  WORKERS,
} from './outbox.dispatcher.js';
import type {
  ClaimedRow,
  NoticeRow,
  OutboxRepository,
  Outcome,
  SentNotice,
} from './outbox.repository.js';

const NOW = new Date('2030-01-01T09:00:00Z');
const LAST_USE = '2029-12-01T00:00:00.000Z';
const COUNTED = noticeKind.unusedBefore(7, new Date(LAST_USE));

const notice = (over: Partial<NoticeRow>): NoticeRow => ({
  outbox_id: 'o',
  token_id: 't',
  label: 'Token',
  kind: noticeKind.before(7),
  details: null,
  expires_at: new Date('2030-01-08T09:00:00Z'),
  revoked_at: null,
  last_use: LAST_USE,
  ...over,
});

describe('noticeLines: what of a queued email is still worth saying', () => {
  it('keeps an unused-token warning counted from the current last use, drops one counted from an older one', () => {
    expect(isStaleUnusedWarning(COUNTED, LAST_USE)).toBe(false);
    expect(isStaleUnusedWarning(COUNTED, '2029-12-05T10:00:00.000Z')).toBe(true);
    expect(isStaleUnusedWarning(noticeKind.before(7), '2029-12-05T10:00:00.000Z')).toBe(false);
    expect(
      noticeLines([
        notice({ token_id: 'a', kind: COUNTED }),
        notice({ token_id: 'b', kind: COUNTED, last_use: '2029-12-05T10:00:00.000Z' }),
        notice({ token_id: 'c', kind: noticeKind.before(7), last_use: '2029-12-05T10:00:00.000Z' }),
      ]).map((l) => l.tokenId),
    ).toEqual(['a', 'c']);
  });

  it('drops warnings about revoked tokens, keeps what happened to them', () => {
    const revoked_at = new Date('2029-12-02T00:00:00Z');
    expect(
      noticeLines([
        notice({ token_id: 'a', kind: noticeKind.before(7), revoked_at }),
        notice({ token_id: 'b', kind: COUNTED, revoked_at }),
        notice({ token_id: 'c', kind: noticeKind.unused, revoked_at }),
        notice({ token_id: 'd', kind: noticeKind.leaked, revoked_at }),
      ]).map((l) => l.tokenId),
    ).toEqual(['c', 'd']);
  });
});

/**
 * The dispatcher against an in-memory outbox: rows claimed in order (never twice, as SKIP
 * LOCKED would), settlements recorded with what had been sent at that moment. Each email
 * carries one `before:7` notice unless `noticesOf` says otherwise.
 */
function harness(
  count: number,
  send: (message: MailMessage) => Promise<void>,
  noticesOf: (outboxId: string) => NoticeRow[] = (id) => [
    notice({ outbox_id: id, token_id: `t-${id}` }),
  ],
) {
  const queue: ClaimedRow[] = Array.from({ length: count }, (_, i) => ({
    id: `m${i}`,
    tenant_id: 'tenant',
    user_id: `u${i}`,
    attempts: 0,
    email: `u${i}@example.test`,
    display_name: `User ${i}`,
    username: `u${i}`,
    time_zone: 'UTC',
    user_status: 'active',
    kind: 'notice',
    link_secret: null,
    link_expires_at: null,
  }));
  const claims: number[] = [];
  const settled: { outcomes: Outcome[]; sentNotices: SentNotice[]; deliveredBefore: string[] }[] =
    [];
  /** Recipients of the messages handed to the mailer, as it is called. */
  const handed: string[] = [];
  /** Recipients of the messages the mailer delivered. */
  const delivered: string[] = [];
  const outbox = {
    claimBatch: (_em: unknown, _now: Date, limit: number) => {
      const rows = queue.splice(0, limit);
      claims.push(rows.length);
      return Promise.resolve(rows);
    },
    notices: (_em: unknown, ids: string[]) => Promise.resolve(ids.flatMap(noticesOf)),
    settle: (_em: unknown, outcomes: Outcome[], sentNotices: SentNotice[]) => {
      settled.push({ outcomes, sentNotices, deliveredBefore: [...delivered] });
      return Promise.resolve();
    },
  };
  const em = { fork: () => ({ transactional: (fn: (em: unknown) => unknown) => fn({}) }) };
  const mailer = {
    configured: true,
    send: async (message: MailMessage) => {
      handed.push(message.to);
      await send(message);
      delivered.push(message.to);
    },
  };
  const dispatcher = new OutboxDispatcher(
    em as unknown as EntityManager,
    outbox as unknown as OutboxRepository,
    mailer as unknown as Mailer,
    { publicUrl: 'https://feedpass.example' } as AppConfig,
  );
  const outcomes = () => settled.flatMap((s) => s.outcomes);
  return { dispatcher, queue, claims, settled, handed, delivered, outcomes };
}

describe('OutboxDispatcher batches', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it(`claims up to ${BATCH_SIZE} per transaction with ${WORKERS} workers and settles each batch once, after its sends`, async () => {
    const count = 3 * BATCH_SIZE + 1;
    const h = harness(count, () => new Promise((done) => setTimeout(done, 1)));
    expect(await h.dispatcher.dispatch(NOW)).toEqual({
      sent: count,
      retried: 0,
      failed: 0,
      cancelled: 0,
    });
    expect(h.claims.filter((n) => n > 0).every((n) => n <= BATCH_SIZE)).toBe(true);
    expect(h.settled.length).toBe(h.claims.filter((n) => n > 0).length);
    // Each settlement marks sent only what the server had already accepted.
    for (const { outcomes, deliveredBefore } of h.settled)
      for (const o of outcomes) expect(deliveredBefore).toContain(`u${o.id.slice(1)}@example.test`);
    expect(new Set(h.outcomes().map((o) => o.id)).size).toBe(count);
  });

  it('one refused message of a batch: only it is queued again with its backoff; the others are sent and the worker goes on', async () => {
    const count = 2 * BATCH_SIZE * WORKERS;
    const refused = 'u3@example.test';
    const h = harness(count, (m) =>
      m.to === refused ? Promise.reject(new Error('451 Mailbox busy')) : Promise.resolve(),
    );
    expect(await h.dispatcher.dispatch(NOW)).toEqual({
      sent: count - 1,
      retried: 1,
      failed: 0,
      cancelled: 0,
    });
    expect(h.queue).toHaveLength(0);
    const retried = h.outcomes().filter((o) => o.status !== 'sent');
    expect(retried).toEqual([
      {
        id: 'm3',
        status: 'queued',
        attempts: 1,
        retryAt: new Date(NOW.getTime() + backoff(1)),
        error: '451 Mailbox busy',
      },
    ]);
  });

  it('a batch with no message through (the server is down) stops its worker until the next run', async () => {
    const h = harness(10 * BATCH_SIZE, () => Promise.reject(new Error('ECONNREFUSED')));
    const result = await h.dispatcher.dispatch(NOW);
    expect(result.sent).toBe(0);
    expect(result.retried).toBe(WORKERS * BATCH_SIZE);
    expect(h.claims).toEqual(Array.from({ length: WORKERS }, () => BATCH_SIZE));
    expect(h.queue).toHaveLength(10 * BATCH_SIZE - WORKERS * BATCH_SIZE);
  });

  it(`the last attempt parks the message as failed (attempt ${MAX_ATTEMPTS})`, async () => {
    const h = harness(1, () => Promise.reject(new Error('554 rejected')));
    h.queue[0].attempts = MAX_ATTEMPTS - 1;
    expect(await h.dispatcher.dispatch(NOW)).toMatchObject({ failed: 1, retried: 0 });
    expect(h.outcomes()).toEqual([
      expect.objectContaining({ status: 'failed', attempts: MAX_ATTEMPTS }),
    ]);
  });

  it('a message that cannot be rendered is a failed attempt of its own; nothing of the batch is sent before all are rendered', async () => {
    const h = harness(4, () => Promise.resolve());
    h.queue[2].time_zone = 'Nowhere/Atlantis';
    // The last row's recipient is read as its message is rendered: what the mailer had been
    // handed by then.
    let handedAtLastRender: string[] | null = null;
    Object.defineProperty(h.queue[3], 'time_zone', {
      get: () => {
        handedAtLastRender = [...h.handed];
        return 'UTC';
      },
    });
    expect(await h.dispatcher.dispatch(NOW)).toEqual({
      sent: 3,
      retried: 1,
      failed: 0,
      cancelled: 0,
    });
    expect(handedAtLastRender).toEqual([]);
    expect(h.delivered.sort()).toEqual(['u0@example.test', 'u1@example.test', 'u3@example.test']);
    expect(h.outcomes().find((o) => o.id === 'm2')).toMatchObject({
      status: 'queued',
      attempts: 1,
    });
  });

  it('an email with nothing left to say is cancelled without an attempt', async () => {
    const h = harness(2, () => Promise.resolve());
    h.queue[1].user_status = 'deactivated';
    expect(await h.dispatcher.dispatch(NOW)).toEqual({
      sent: 1,
      retried: 0,
      failed: 0,
      cancelled: 1,
    });
    expect(h.outcomes().find((o) => o.id === 'm1')).toEqual({
      id: 'm1',
      status: 'cancelled',
      attempts: 0,
    });
  });

  it('settles with the expiry notices each sent email named, as rendered: none of a refused email, of a dropped line or of another kind', async () => {
    const revoked_at = new Date('2029-12-02T00:00:00Z');
    const byOutbox: Record<string, NoticeRow[]> = {
      m0: [
        notice({ outbox_id: 'm0', token_id: 'a', kind: noticeKind.before(7) }),
        notice({ outbox_id: 'm0', token_id: 'b', kind: noticeKind.expired }),
        notice({ outbox_id: 'm0', token_id: 'c', kind: COUNTED }),
        notice({ outbox_id: 'm0', token_id: 'd', kind: noticeKind.unused, revoked_at }),
      ],
      // Refused by the server: nothing of it is recorded.
      m1: [notice({ outbox_id: 'm1', token_id: 'e', kind: noticeKind.before(1) })],
      m2: [
        notice({ outbox_id: 'm2', token_id: 'f', kind: noticeKind.shortened(NOW) }),
        // A warning about a token revoked since is not in the email, so not recorded.
        notice({ outbox_id: 'm2', token_id: 'g', kind: noticeKind.before(7), revoked_at }),
        notice({ outbox_id: 'm2', token_id: 'h', kind: noticeKind.leaked, revoked_at }),
      ],
    };
    const h = harness(
      3,
      (m) => (m.to === 'u1@example.test' ? Promise.reject(new Error('451')) : Promise.resolve()),
      (id) => byOutbox[id],
    );
    expect(await h.dispatcher.dispatch(NOW)).toMatchObject({ sent: 2, retried: 1 });
    const recorded = h.settled.flatMap((s) => s.sentNotices);
    expect(recorded.sort((x, y) => x.tokenId.localeCompare(y.tokenId))).toEqual([
      { outboxId: 'm0', tokenId: 'a', kind: noticeKind.before(7) },
      { outboxId: 'm0', tokenId: 'b', kind: noticeKind.expired },
      { outboxId: 'm2', tokenId: 'f', kind: noticeKind.shortened(NOW) },
    ]);
  });
});
