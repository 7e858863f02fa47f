// The expiry job's figures, driven in this process through the app's own compiled modules
// (a Nest application context on the benchmark database, clock fixed): the sweep's cost
// against how many tokens exist, expiring 100,000 tokens against one hand-written
// statement, and sending 10,000 notices against nodemailer alone.
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import nodemailer from 'nodemailer';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { statementCount, vacuum } from '../lib/database.mjs';
import { createTenant, createUsers, insertTokens, resetTenantExpiry } from '../lib/fixtures.mjs';
import { median, timed } from '../lib/http.mjs';
import { cpuOf, freePort, onCleanup } from '../lib/processes.mjs';

const TABLES = ['access_token', 'history_event', 'token_notice', 'mail_outbox'];

async function importDist(root, path) {
  return import(pathToFileURL(join(root, 'dist', path)).href);
}

/** The app's modules as a Nest application context (no HTTP), with a fixed clock. */
export async function startAppContext(ctx, smtpUrl) {
  const { AppModule } = await importDist(ctx.root, 'apps/api/src/app.module.js');
  const { loadConfig } = await importDist(ctx.root, 'apps/api/src/config/app-config.js');
  const { FixedClock } = await importDist(ctx.root, 'apps/api/src/common/clock.js');
  const { ExpirySweep } = await importDist(ctx.root, 'apps/api/src/expiry/expiry-sweep.js');
  const { OutboxDispatcher } = await importDist(ctx.root, 'apps/api/src/mail/outbox.dispatcher.js');
  const { noticeEmail } = await importDist(ctx.root, 'apps/api/src/mail/notice-email.js');
  const config = loadConfig({
    NODE_ENV: 'production',
    SSO_SECRET_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: ctx.db.url,
    SMTP_URL: smtpUrl,
    PORTAL_DIR: '',
    EXPIRY_CRON: 'off',
    LOG_LEVEL: 'warn',
    LOG_REQUESTS: 'false',
    PUBLIC_URL: 'http://localhost:3000',
  });
  const clock = new FixedClock(ctx.now);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { clock }), {
    logger: ['warn', 'error'],
  });
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await app.close();
    }
  };
  onCleanup(close);
  return {
    app,
    config,
    clock,
    sweep: app.get(ExpirySweep),
    outbox: app.get(OutboxDispatcher),
    noticeEmail,
    close,
  };
}

/** Sweep with `due` due tokens among `small`, then among `large` tokens (same due ones). */
export async function sweepFigure(ctx, nest) {
  const { db, sizes, now } = ctx;
  const tenantId = await createTenant(db.pool, 'Bench sweep', now);
  await createUsers(db.pool, {
    tenantId,
    prefix: 'bench-sweep-',
    count: 1000,
    passwordHash: ctx.passwordHash,
    now,
  });
  const measure = async (total) => {
    const times = [];
    for (let i = 0; i < sizes.sweepRepeats; i++) {
      await vacuum(db.pool, TABLES);
      const { ms, result } = await timed(() => nest.sweep.run(now));
      if (!result.ran || result.expired !== sizes.sweepDue) {
        throw new Error(
          `sweep among ${total}: expected ${sizes.sweepDue} expired, got ${JSON.stringify(result)}`,
        );
      }
      times.push(ms);
      if (i < sizes.sweepRepeats - 1) await resetTenantExpiry(db.pool, tenantId);
    }
    return times;
  };
  await insertTokens(db.pool, {
    tenantId,
    batch: 'sweep-a',
    count: sizes.sweepSmall,
    due: sizes.sweepDue,
    now,
  });
  const small = await measure(sizes.sweepSmall);
  await resetTenantExpiry(db.pool, tenantId);
  const load = await timed(() =>
    insertTokens(db.pool, {
      tenantId,
      batch: 'sweep-b',
      count: sizes.sweepLarge - sizes.sweepSmall,
      due: 0,
      now,
    }),
  );
  const large = await measure(sizes.sweepLarge);
  // Leave nothing queued for the notices figure.
  await db.pool.query(`update mail_outbox set status = 'cancelled' where tenant_id = $1`, [
    tenantId,
  ]);
  const { rows } = await db.pool.query(
    'select count(*)::int as n from access_token where tenant_id = $1',
    [tenantId],
  );
  if (rows[0].n !== sizes.sweepLarge)
    throw new Error(`expected ${sizes.sweepLarge} tokens, found ${rows[0].n}`);
  const s = median(small);
  const l = median(large);
  const list = (times) => times.map((t) => t.toFixed(0)).join('/');
  ctx.record({
    id: 'sweep',
    title: `Sweep, ${sizes.sweepDue.toLocaleString('en-US')} due among ${sizes.sweepLarge.toLocaleString('en-US')} tokens`,
    value: l,
    unit: 'ms',
    baseline: s,
    baselineUnit: 'ms',
    baselineLabel: `${sizes.sweepDue.toLocaleString('en-US')} due among ${sizes.sweepSmall.toLocaleString('en-US')}`,
    ratio: l / s,
    target: { op: '<=', value: 2, text: '≤ 2×' },
    detail:
      `ExpirySweep.run (the job's sweep: expire, history events, notices queued for 1,000 owners) in a Nest context of the built app; ` +
      `median of ${sizes.sweepRepeats} runs each, state restored and tables vacuumed between runs ` +
      `(among ${sizes.sweepSmall.toLocaleString('en-US')}: ${list(small)} ms; among ${sizes.sweepLarge.toLocaleString('en-US')}: ${list(large)} ms); ` +
      `the other ${(sizes.sweepLarge - sizes.sweepSmall).toLocaleString('en-US')} tokens were inserted in one statement in ${(load.ms / 1000).toFixed(1)} s`,
    whyMissed: ctx.explain.sweep?.({ s, l }),
  });
}

/** The hand-written baseline: one statement that expires, records and queues like the sweep. */
const HAND_SQL = `with expired as (
    update access_token set expired_at = $1, next_notice_at = null
     where revoked_at is null and expired_at is null and expires_at is not null and expires_at <= $1
    returning id, label, tenant_id, owner_id, expires_at),
  events as (
    insert into history_event (id, tenant_id, occurred_at, type, actor_id, subject_user_id, token_id, token_label, details)
    select gen_random_uuid(), tenant_id, $1, 'token.expired', null, owner_id, id, label, jsonb_build_object('expiresAt', expires_at)
      from expired),
  notices as (
    insert into token_notice (id, token_id, kind, tenant_id, owner_id, outbox_id, created_at)
    select gen_random_uuid(), e.id, 'expired', e.tenant_id, e.owner_id, md5(e.owner_id::text || $2)::uuid, $1
      from expired e join app_user u on u.id = e.owner_id and u.status = 'active'
    on conflict (token_id, kind) do nothing
    returning outbox_id, tenant_id, owner_id)
  insert into mail_outbox (id, tenant_id, user_id, status, attempts, next_attempt_at, created_at)
  select distinct outbox_id, tenant_id, owner_id, 'queued', 0, $1, $1 from notices
  on conflict (id) do nothing`;

export async function expireFigure(ctx, nest) {
  const { db, sizes, now } = ctx;
  const tenantId = await createTenant(db.pool, 'Bench expire', now);
  await createUsers(db.pool, {
    tenantId,
    prefix: 'bench-expire-',
    count: sizes.expireOwners,
    passwordHash: ctx.passwordHash,
    now,
  });
  await insertTokens(db.pool, {
    tenantId,
    batch: 'expire',
    count: sizes.expireCount,
    due: sizes.expireCount,
    now,
  });
  const check = async (what) => {
    const { rows } = await db.pool.query(
      `select (select count(*) from access_token where tenant_id = $1 and expired_at is not null)::int as expired,
              (select count(*) from history_event where tenant_id = $1 and type = 'token.expired')::int as events,
              (select count(*) from token_notice where tenant_id = $1)::int as notices,
              (select count(*) from mail_outbox where tenant_id = $1)::int as emails`,
      [tenantId],
    );
    const r = rows[0];
    if (
      r.expired !== sizes.expireCount ||
      r.events !== sizes.expireCount ||
      r.notices !== sizes.expireCount ||
      r.emails !== sizes.expireOwners
    ) {
      throw new Error(`${what} did not do the whole work: ${JSON.stringify(r)}`);
    }
  };
  const hand = [];
  const app = [];
  for (let round = 0; round < sizes.expireRounds; round++) {
    for (const which of round % 2 ? ['app', 'hand'] : ['hand', 'app']) {
      await resetTenantExpiry(db.pool, tenantId);
      await vacuum(db.pool, TABLES);
      if (which === 'hand') {
        const client = await db.pool.connect();
        try {
          const { ms } = await timed(async () => {
            await client.query('begin');
            await client.query(HAND_SQL, [now, `hand-${round}`]);
            await client.query('commit');
          });
          hand.push(ms);
        } finally {
          client.release();
        }
        await check('the hand-written statement');
      } else {
        const { ms, result } = await timed(() => nest.sweep.run(now));
        if (result.expired !== sizes.expireCount)
          throw new Error(`sweep expired ${result.expired}`);
        app.push(ms);
        await check('the sweep');
      }
    }
  }
  const h = median(hand);
  const a = median(app);
  ctx.record({
    id: 'expire',
    title: `Expiring ${sizes.expireCount.toLocaleString('en-US')} due tokens with their history events`,
    value: a,
    unit: 'ms',
    baseline: h,
    baselineUnit: 'ms',
    baselineLabel: 'one hand-written set-based statement',
    ratio: a / h,
    target: { op: '<=', value: 1.5, text: '≤ 1.5×' },
    detail:
      `ExpirySweep.run vs one statement that does the same work (mark expired, one token.expired event each, one notice each, ` +
      `${sizes.expireOwners.toLocaleString('en-US')} emails queued, one per owner); ${sizes.expireRounds} run(s) each, alternated, ` +
      `state restored and tables vacuumed before every run; app ${app.map((t) => t.toFixed(0)).join('/')} ms, hand ${hand.map((t) => t.toFixed(0)).join('/')} ms (median)`,
    whyMissed: ctx.explain.expire?.({ a, h }),
  });
  await resetTenantExpiry(db.pool, tenantId);
  // Leave nothing due for later figures.
  await db.pool.query(
    `update access_token set revoked_at = $2, revoke_reason = 'revoke_all', next_notice_at = null where tenant_id = $1`,
    [tenantId, now],
  );
}

/** Starts the SMTP sink process; returns its URL and an IPC helper. */
async function startSink() {
  const port = await freePort();
  const child = fork(join(import.meta.dirname, '..', 'smtp-sink.mjs'), [], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);
  const ask = (type) =>
    new Promise((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`the SMTP sink did not answer ${type}`)),
        10_000,
      );
      const on = (message) => {
        if (message.type !== type) return;
        child.off('message', on);
        clearTimeout(timer);
        done(message);
      };
      child.on('message', on);
      if (type !== 'ready') child.send({ type });
    });
  await ask('ready');
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => ask('count'),
    reset: () => ask('reset'),
    stop,
    pid: child.pid,
  };
}

export async function noticesFigure(ctx, makeContext) {
  const { db, sizes, now } = ctx;
  // The baseline's transport has the app's pool settings; the app's batching for the detail.
  const { SMTP_POOL_OPTIONS } = await importDist(ctx.root, 'apps/api/src/mail/mailer.js');
  const { BATCH_SIZE, WORKERS } = await importDist(
    ctx.root,
    'apps/api/src/mail/outbox.dispatcher.js',
  );
  const sink = await startSink();
  const nest = await makeContext(sink.url);
  try {
    const tenantId = await createTenant(db.pool, 'Bench notices', now);
    await createUsers(db.pool, {
      tenantId,
      prefix: 'bench-notice-',
      count: sizes.notices,
      passwordHash: ctx.passwordHash,
      now,
    });
    await insertTokens(db.pool, {
      tenantId,
      batch: 'notice',
      count: sizes.notices,
      due: sizes.notices,
      now,
    });
    await db.pool.query(`update mail_outbox set status = 'cancelled' where status = 'queued'`);
    const swept = await nest.sweep.run(now);
    if (swept.emails !== sizes.notices)
      throw new Error(`the sweep queued ${swept.emails} emails, expected ${sizes.notices}`);
    await vacuum(db.pool, TABLES);

    // The same messages, built with the app's own template from the queued rows.
    const { rows } = await db.pool.query(
      `select o.id, u.email, u.display_name, u.username, u.time_zone,
              json_agg(json_build_object('tokenId', t.id, 'label', t.label, 'kind', n.kind, 'expiresAt', t.expires_at)) as lines
         from mail_outbox o join app_user u on u.id = o.user_id
         join token_notice n on n.outbox_id = o.id join access_token t on t.id = n.token_id
        where o.tenant_id = $1 and o.status = 'queued'
        group by o.id, u.email, u.display_name, u.username, u.time_zone`,
      [tenantId],
    );
    const messages = rows.map((r) => ({
      from: nest.config.mailFrom,
      ...nest.noticeEmail(
        {
          email: r.email,
          displayName: r.display_name,
          username: r.username,
          timeZone: r.time_zone,
        },
        r.lines.map((l) => ({ ...l, expiresAt: new Date(l.expiresAt) })),
        nest.config.publicUrl,
        now,
      ),
    }));

    /** Time, statements and CPU (this process, PostgreSQL, the sink) of one sending run. */
    const measured = async (fn) => {
      const before = {
        statements: await statementCount(db.pool),
        self: process.cpuUsage(),
        pg: db.cpu(),
        sink: cpuOf(sink.pid),
      };
      const { ms, result } = await timed(fn);
      const self = process.cpuUsage(before.self);
      return {
        ms,
        result,
        statements: (await statementCount(db.pool)) - before.statements,
        cpu: {
          self: (self.user + self.system) / 1000,
          pg: db.cpu() - before.pg,
          sink: cpuOf(sink.pid) - before.sink,
        },
      };
    };
    const viaNodemailer = async () => {
      const transport = nodemailer.createTransport({ url: sink.url, ...SMTP_POOL_OPTIONS });
      try {
        await sink.reset();
        const run = await measured(() => Promise.all(messages.map((m) => transport.sendMail(m))));
        const { accepted } = await sink.count();
        if (accepted !== messages.length)
          throw new Error(`the sink accepted ${accepted} of ${messages.length}`);
        return run;
      } finally {
        transport.close();
      }
    };
    const viaApp = async (round) => {
      if (round > 0) {
        await db.pool.query(
          `update mail_outbox set status = 'queued', sent_at = null, attempts = 0 where tenant_id = $1`,
          [tenantId],
        );
        await db.pool.query(
          `delete from history_event where tenant_id = $1 and type = 'token.expiry_notice_sent'`,
          [tenantId],
        );
        await vacuum(db.pool, ['mail_outbox', 'history_event']);
      }
      await sink.reset();
      const run = await measured(() => nest.outbox.dispatch(now));
      const { accepted } = await sink.count();
      if (run.result.sent !== messages.length || accepted !== messages.length) {
        throw new Error(
          `the outbox sent ${JSON.stringify(run.result)}, the sink accepted ${accepted}, expected ${messages.length}`,
        );
      }
      return run;
    };
    const appRuns = [];
    const baseRuns = [];
    for (let round = 0; round < sizes.noticeRounds; round++) {
      if (round % 2) {
        appRuns.push(await viaApp(round));
        baseRuns.push(await viaNodemailer());
      } else {
        baseRuns.push(await viaNodemailer());
        appRuns.push(await viaApp(round));
      }
    }
    const appTimes = appRuns.map((r) => r.ms);
    const baseTimes = baseRuns.map((r) => r.ms);
    const a = median(appTimes);
    const b = median(baseTimes);
    const per = (runs, what) =>
      (runs.reduce((n, r) => n + r.cpu[what], 0) * 1000) / runs.length / messages.length;
    const cpuText = (runs) =>
      `${Math.round(per(runs, 'self'))} µs in the sending process, ${Math.round(per(runs, 'pg'))} µs in PostgreSQL, ${Math.round(per(runs, 'sink'))} µs in the sink`;
    const statementsPerEmail =
      appRuns.reduce((n, r) => n + r.statements, 0) / appRuns.length / messages.length;
    const perSecond = (ms) => (messages.length / ms) * 1000;
    ctx.record({
      id: 'notices',
      title: `${sizes.notices.toLocaleString('en-US')} notices to a local SMTP sink`,
      value: perSecond(a),
      unit: 'emails/s',
      baseline: perSecond(b),
      baselineUnit: 'emails/s',
      baselineLabel: 'nodemailer pooled sends without the app',
      ratio: a / b,
      ratioText: `time ratio ${(a / b).toFixed(2)}×`,
      target: { op: '<=', value: 1.5, text: '≤ 1.5× the time' },
      detail:
        `OutboxDispatcher.dispatch (${WORKERS} workers, each a transaction per batch of up to ${BATCH_SIZE}: claim with FOR UPDATE SKIP LOCKED, ` +
        `read their notices, render, send them at once, mark sent with the history events in one statement) ` +
        `vs the same ${messages.length.toLocaleString('en-US')} rendered messages handed to one pooled nodemailer transport ` +
        `(the app's pool settings: ${SMTP_POOL_OPTIONS.maxConnections} connections, ${SMTP_POOL_OPTIONS.maxMessages} messages each) all at once; ` +
        `sink: smtp-server in its own process; ${sizes.noticeRounds} run(s) each, alternated; ` +
        `app ${appTimes.map((t) => (t / 1000).toFixed(1)).join('/')} s, nodemailer ${baseTimes.map((t) => (t / 1000).toFixed(1)).join('/')} s (median); ` +
        `CPU per email: app ${cpuText(appRuns)}; nodemailer alone ${cpuText(baseRuns)}; ` +
        `${statementsPerEmail.toFixed(1)} database statements per email sent by the app`,
      whyMissed: ctx.explain.notices?.({
        a,
        b,
        appRuns,
        baseRuns,
        per,
        statementsPerEmail,
        count: messages.length,
      }),
    });
  } finally {
    await nest.close();
    await sink.stop();
  }
}
