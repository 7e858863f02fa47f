import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { Token, TokenList } from '@feedpass/contracts';
import type { ApiClient } from '../setup/api-client';
import { DAY, HOUR, MINUTE, sql } from '../setup/e2e-helpers';
import {
  addMs,
  newAcmeUser,
  noticesOf,
  outboxOf,
  PUBLIC_URL,
  runJobAt,
  startMailingApp,
} from '../setup/expiry-helpers';
import {
  feedGet,
  mintCredentials,
  POWER_BI_HEADERS,
  type Credentials,
} from '../setup/odata-helpers';
import type { ReceivedMail, SmtpSink } from '../setup/smtp-sink';
import { startAppOn, type TestApp } from '../setup/test-app';
import { tokenEvents } from '../setup/token-helpers';

/**
 * "Last used from", "last rejected" and the email about a refresh that broke (SPEC 12):
 * the address and User-Agent a token was last used (or refused) from, written under the
 * once-a-minute rule and at once when they change; the address behind a real proxy hop as
 * `TRUST_PROXY` allows; and one email per token per UTC day, grouped per owner, when a
 * revoked or expired token is used with its owner's username.
 */

/** What the proxy of these specs says it saw as the client's address. */
const PROXIED_CLIENT = '203.0.113.7';
const POWER_BI_UA = POWER_BI_HEADERS['user-agent'];

/**
 * A tiny reverse proxy (node:http) in front of `target`: it forwards every request and
 * appends `X-Forwarded-For: <forwardedFor>`, as a load balancer appends the address it saw.
 */
async function startProxy(
  target: string,
  forwardedFor: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const seen = req.headers['x-forwarded-for'];
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          host: upstream.host,
          'x-forwarded-for': seen ? `${String(seen)}, ${forwardedFor}` : forwardedFor,
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The next UTC day at 10:00: a test's "today" then has 14 hours before midnight. */
function nextDayAt10(now: Date): Date {
  const day = new Date(now);
  day.setUTCDate(day.getUTCDate() + 1);
  day.setUTCHours(10, 0, 0, 0);
  return day;
}

const whole = (mail: ReceivedMail) => `${mail.subject}\n${mail.text}\n${mail.html}`;

describe('token use tracking: last used from, last rejected, the broken-refresh email (SPEC 12)', () => {
  let sink: SmtpSink;
  /** The app without TRUST_PROXY, mailing the sink. */
  let test: TestApp;
  /** A second instance on the same database and clock, with TRUST_PROXY=1 ... */
  let proxied: TestApp;
  /** ... reached through a real proxy hop. */
  let proxy: { url: string; close(): Promise<void> };
  let closeMain: () => Promise<void>;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ sink, test, env, close: closeMain } = await startMailingApp());
    proxied = await startAppOn(test.databaseUrl, { ...env, TRUST_PROXY: '1' }, test.clock);
    proxy = await startProxy(proxied.baseUrl, PROXIED_CLIENT);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await proxied?.close();
    await closeMain?.();
  });

  /** Each test starts on a fresh UTC day, with what earlier tests left due sent. */
  let start: Date;
  beforeEach(async () => {
    start = nextDayAt10(test.clock.now());
    await runJobAt(test, start);
    sink.clear();
  });

  /**
   * A feed request with Basic credentials at an address with no data source: 404 once
   * authenticated, 401 when refused. `via: 'proxy'` goes through the proxy hop.
   */
  const use = async (
    credentials: Credentials,
    options: { via?: 'direct' | 'proxy'; headers?: Record<string, string> } = {},
  ) => {
    const base = options.via === 'proxy' ? proxy.url : test.baseUrl;
    const res = await feedGet(test, `${base}/odata/no-such-source/`, {
      credentials,
      headers: options.headers,
    });
    return res.status;
  };
  /** The same request without any User-Agent header (fetch would add its own). */
  const useWithoutAgent = (credentials: Credentials) =>
    new Promise<number>((done, fail) => {
      const auth = Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64');
      const req = httpRequest(
        `${test.baseUrl}/odata/no-such-source/`,
        { headers: { authorization: `Basic ${auth}` } },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        },
      );
      req.on('error', fail);
      req.end();
    });
  const tokenOf = async (client: ApiClient, id: string): Promise<Token> => {
    const res = await client.get<TokenList>('/api/tokens');
    expect(res.status).toBe(200);
    return res.body.items.find((t) => t.id === id)!;
  };
  const lastUse = async (client: ApiClient, id: string) => {
    const t = await tokenOf(client, id);
    return { at: t.lastUsedAt, ip: t.lastUsedIp, client: t.lastUsedClient };
  };
  const lastRejection = async (client: ApiClient, id: string) => {
    const t = await tokenOf(client, id);
    return { at: t.lastRejectedAt, ip: t.lastRejectedIp, client: t.lastRejectedClient };
  };
  const iso = (ms = 0) => addMs(test.clock.now(), ms).toISOString();
  const advance = (ms: number) => test.clock.advance(ms);
  const revoke = async (client: ApiClient, id: string) =>
    expect((await client.post(`/api/tokens/${id}/revoke`)).status).toBe(200);
  /** Moves the clock to `ms` after the test's start and runs the job there. */
  const jobAt = (ms: number) => runJobAt(test, addMs(start, ms));

  describe('last used from', () => {
    it('records the address and User-Agent with lastUsedAt: once a minute, and at once when either changes', async () => {
      const { client } = await newAcmeUser(test, 'uma');
      const { id, credentials } = await mintCredentials(client, 'uma', 'Sales refresh');
      expect(await lastUse(client, id)).toEqual({ at: null, ip: null, client: null });

      expect(await use(credentials)).toBe(404);
      const first = { at: iso(), ip: '127.0.0.1', client: POWER_BI_UA };
      expect(await lastUse(client, id)).toEqual(first);

      // Same address and client within the minute: nothing written.
      advance(30_000);
      expect(await use(credentials)).toBe(404);
      expect(await lastUse(client, id)).toEqual(first);

      // Another client at once.
      advance(10_000);
      expect(await use(credentials, { headers: { 'user-agent': 'Excel/16.0' } })).toBe(404);
      const excel = { at: iso(), ip: '127.0.0.1', client: 'Excel/16.0' };
      expect(await lastUse(client, id)).toEqual(excel);

      // Another address at once: through the proxy, 5 s later.
      advance(5_000);
      expect(await use(credentials, { via: 'proxy' })).toBe(404);
      const proxiedUse = { at: iso(), ip: PROXIED_CLIENT, client: POWER_BI_UA };
      expect(await lastUse(client, id)).toEqual(proxiedUse);

      // From there again within the minute: nothing; a minute on: the time moves.
      advance(59_000);
      expect(await use(credentials, { via: 'proxy' })).toBe(404);
      expect(await lastUse(client, id)).toEqual(proxiedUse);
      advance(1_000);
      expect(await use(credentials, { via: 'proxy' })).toBe(404);
      expect(await lastUse(client, id)).toEqual({ ...proxiedUse, at: iso() });

      // And back to the direct address at once.
      advance(1_000);
      expect(await use(credentials)).toBe(404);
      expect(await lastUse(client, id)).toEqual({ ...first, at: iso() });
    });

    it('keeps at most 200 characters of the User-Agent, and null without one', async () => {
      const { client } = await newAcmeUser(test, 'vic');
      const { id, credentials } = await mintCredentials(client, 'vic', 'Long agent');
      const agent = `Microsoft.Data.Mashup ${'x'.repeat(300)}`;

      expect(await use(credentials, { headers: { 'user-agent': agent } })).toBe(404);
      expect((await lastUse(client, id)).client).toBe(agent.slice(0, 200));

      // node:http sends no User-Agent of its own: no client.
      advance(1_000);
      expect(await useWithoutAgent(credentials)).toBe(404);
      expect(await lastUse(client, id)).toEqual({ at: iso(), ip: '127.0.0.1', client: null });
    });

    it('behind a real proxy hop with TRUST_PROXY=1 shows the address the proxy saw, never one the client sent; without TRUST_PROXY a client-sent X-Forwarded-For is ignored', async () => {
      const { client } = await newAcmeUser(test, 'wes');
      const { id, credentials } = await mintCredentials(client, 'wes', 'Proxied');
      const spoofed = { 'x-forwarded-for': '198.51.100.66' };

      // The client claims an address; the proxy appends the one it saw; one hop is trusted.
      expect(await use(credentials, { via: 'proxy', headers: spoofed })).toBe(404);
      expect((await lastUse(client, id)).ip).toBe(PROXIED_CLIENT);

      // Straight to the app without TRUST_PROXY: the header is not believed.
      advance(1_000);
      expect(await use(credentials, { headers: spoofed })).toBe(404);
      expect((await lastUse(client, id)).ip).toBe('127.0.0.1');
    });

    it('a refused attempt (wrong username) records no use', async () => {
      const { client } = await newAcmeUser(test, 'xia');
      const { id, credentials } = await mintCredentials(client, 'xia', 'Unused');
      expect(await use({ ...credentials, username: 'alice' })).toBe(401);
      expect(await lastUse(client, id)).toEqual({ at: null, ip: null, client: null });
    });
  });

  describe('last rejected and the broken-refresh email', () => {
    it('a revoked token used by its owner: last rejected fields (once a minute, at once from elsewhere), the event with ip and client, and ONE email per token per day', async () => {
      const { user, client } = await newAcmeUser(test, 'yara');
      const { id, credentials } = await mintCredentials(client, 'yara', 'Sales refresh');
      expect(await use(credentials)).toBe(404);
      const used = await lastUse(client, id);
      await revoke(client, id);

      advance(MINUTE);
      expect(await use(credentials, { via: 'proxy' })).toBe(401);
      const rejected = { at: iso(), ip: PROXIED_CLIENT, client: POWER_BI_UA };
      expect(await lastRejection(client, id)).toEqual(rejected);
      // A refused use is not a use.
      expect(await lastUse(client, id)).toEqual(used);

      // Power BI retries within the minute: nothing more written, no second notice.
      advance(20_000);
      expect(await use(credentials, { via: 'proxy' })).toBe(401);
      expect(await lastRejection(client, id)).toEqual(rejected);
      // From another address: at once.
      advance(5_000);
      expect(await use(credentials, { headers: { 'user-agent': 'Excel/16.0' } })).toBe(401);
      expect(await lastRejection(client, id)).toEqual({
        at: iso(),
        ip: '127.0.0.1',
        client: 'Excel/16.0',
      });

      // The history event (one an hour, as before) now says where from.
      const events = await tokenEvents(test, id, 'token.rejected');
      expect(events.map((e) => e.details)).toEqual([
        { reason: 'revoked', ip: PROXIED_CLIENT, client: POWER_BI_UA },
      ]);

      // One notice, in one outbox email that collects for a minute before it is due.
      const notices = await noticesOf(test, user.id);
      expect(notices).toEqual([
        {
          token_id: id,
          kind: `rejected:${start.toISOString().slice(0, 10)}`,
          outbox_id: expect.any(String),
        },
      ]);
      const [outbox] = await outboxOf(test, user.id);
      expect(outbox).toMatchObject({ id: notices[0].outbox_id, status: 'queued', attempts: 0 });
      expect(new Date(outbox.next_attempt_at).toISOString()).toBe(
        addMs(start, 2 * MINUTE).toISOString(),
      );
      const [{ details }] = await sql<{ details: unknown }>(
        test,
        'select details from token_notice where token_id = ?',
        [id],
      );
      expect(details).toEqual({
        at: addMs(start, MINUTE).toISOString(),
        ip: PROXIED_CLIENT,
        client: POWER_BI_UA,
        reason: 'revoked',
      });

      // Not before it is due; then exactly one email, whatever the job runs later that day.
      await jobAt(MINUTE + 30_000);
      expect(sink.for(user.email)).toHaveLength(0);
      await jobAt(2 * MINUTE);
      expect(sink.for(user.email)).toHaveLength(1);
      const [mail] = sink.for(user.email);
      expect(whole(mail)).toContain('Sales refresh');
      expect(whole(mail)).toContain(PROXIED_CLIENT);
      expect(whole(mail)).toContain('Power BI / Excel');
      expect(whole(mail)).toContain(`${PUBLIC_URL}/tokens`);
      expect(whole(mail)).not.toContain(credentials.token);
      expect(whole(mail)).not.toContain(credentials.token.slice(5, 35));

      // Rejected again the same day (hours later): a new event, but no second email.
      test.clock.set(addMs(start, 5 * HOUR));
      expect(await use(credentials, { via: 'proxy' })).toBe(401);
      await jobAt(5 * HOUR + 2 * MINUTE);
      expect(sink.for(user.email)).toHaveLength(1);
      expect(await tokenEvents(test, id, 'token.rejected')).toHaveLength(2);

      // The next day: one more.
      test.clock.set(addMs(start, DAY));
      expect(await use(credentials, { via: 'proxy' })).toBe(401);
      expect(await use(credentials, { via: 'proxy' })).toBe(401);
      await jobAt(DAY + 2 * MINUTE);
      await jobAt(DAY + 2 * HOUR);
      expect(sink.for(user.email)).toHaveLength(2);
      expect((await noticesOf(test, user.id)).map((n) => n.kind)).toEqual([
        `rejected:${start.toISOString().slice(0, 10)}`,
        `rejected:${addMs(start, DAY).toISOString().slice(0, 10)}`,
      ]);
      expect((await outboxOf(test, user.id)).map((o) => o.status)).toEqual(['sent', 'sent']);
    });

    it('an expired token (by the test clock) used by its owner: last rejected fields and an email with the rotate link, never the value', async () => {
      const { user, client } = await newAcmeUser(test, 'zed');
      const { id, credentials } = await mintCredentials(client, 'zed', 'Finance refresh', {
        expiresAt: addMs(start, HOUR).toISOString(),
      });
      expect(await use(credentials)).toBe(404);

      test.clock.set(addMs(start, HOUR + MINUTE));
      const agent = 'PowerBIGateway/3000.1';
      expect(await use(credentials, { via: 'proxy', headers: { 'user-agent': agent } })).toBe(401);
      expect(await lastRejection(client, id)).toEqual({
        at: iso(),
        ip: PROXIED_CLIENT,
        client: agent,
      });
      expect((await tokenEvents(test, id, 'token.rejected')).map((e) => e.details)).toEqual([
        { reason: 'expired', ip: PROXIED_CLIENT, client: agent },
      ]);

      // The job also sends the expiry notices of this token; the rejection is its own email.
      await jobAt(HOUR + 3 * MINUTE);
      const refused = sink.for(user.email).filter((m) => whole(m).includes(PROXIED_CLIENT));
      expect(refused).toHaveLength(1);
      const text = whole(refused[0]);
      expect(text).toContain('Finance refresh');
      expect(text).toContain(agent);
      expect(text).toContain(`${PUBLIC_URL}/tokens?rotate=${id}`);
      for (const mail of sink.for(user.email)) {
        expect(whole(mail)).not.toContain(credentials.token);
        expect(whole(mail)).not.toContain(credentials.token.slice(5, 35));
      }

      // Again that day: still one.
      test.clock.set(addMs(start, 3 * HOUR));
      expect(await use(credentials, { via: 'proxy', headers: { 'user-agent': agent } })).toBe(401);
      await jobAt(3 * HOUR + 2 * MINUTE);
      expect(sink.for(user.email).filter((m) => whole(m).includes(PROXIED_CLIENT))).toHaveLength(1);
    });

    it('two tokens of one owner broken by one refresh → ONE email naming both; an email the dispatcher has claimed is never joined', async () => {
      const { user, client } = await newAcmeUser(test, 'abe');
      const sales = await mintCredentials(client, 'abe', 'Abe sales');
      const finance = await mintCredentials(client, 'abe', 'Abe finance');
      const ops = await mintCredentials(client, 'abe', 'Abe ops');
      expect((await client.post('/api/tokens/revoke-all')).status).toBe(200);

      // The scheduled refresh hits both within moments.
      expect(await use(sales.credentials, { via: 'proxy' })).toBe(401);
      advance(20_000);
      expect(await use(finance.credentials, { via: 'proxy' })).toBe(401);
      const [collecting] = await outboxOf(test, user.id);
      expect((await noticesOf(test, user.id)).map((n) => n.outbox_id)).toEqual([
        collecting.id,
        collecting.id,
      ]);

      // While a dispatcher holds that email (claimed, sending), a third rejection makes its own.
      const holder = new pg.Client({ connectionString: test.databaseUrl });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('select id from mail_outbox where id = $1 for update', [collecting.id]);
        advance(10_000);
        expect(await use(ops.credentials, { via: 'proxy' })).toBe(401);
      } finally {
        await holder.query('rollback');
        await holder.end();
      }
      const outbox = await outboxOf(test, user.id);
      expect(outbox).toHaveLength(2);
      const byToken = new Map(
        (await noticesOf(test, user.id)).map((n) => [n.token_id, n.outbox_id]),
      );
      expect(byToken.get(ops.id)).not.toBe(collecting.id);

      await jobAt(MINUTE + 30_000);
      const mails = sink.for(user.email);
      expect(mails).toHaveLength(2);
      const both = mails.find((m) => whole(m).includes('Abe sales'))!;
      expect(whole(both)).toContain('Abe finance');
      expect(whole(both)).not.toContain('Abe ops');
      const alone = mails.find((m) => m !== both)!;
      expect(whole(alone)).toContain('Abe ops');
      expect(whole(alone)).not.toMatch(/Abe sales|Abe finance/);
      for (const mail of mails)
        for (const token of [sales, finance, ops])
          expect(whole(mail)).not.toContain(token.credentials.token);
    });

    it('a revoked token used with another username records nothing: no last rejected, no event, no notice, no email', async () => {
      const { user, client } = await newAcmeUser(test, 'bea');
      const { id, credentials } = await mintCredentials(client, 'bea', 'Wrong user');
      await revoke(client, id);

      expect(await use({ ...credentials, username: 'alice' })).toBe(401);
      expect(await use({ ...credentials, username: 'nobody' }, { via: 'proxy' })).toBe(401);

      expect(await lastRejection(client, id)).toEqual({ at: null, ip: null, client: null });
      expect(await tokenEvents(test, id, 'token.rejected')).toEqual([]);
      expect(await noticesOf(test, user.id)).toEqual([]);
      expect(await outboxOf(test, user.id)).toEqual([]);
      await jobAt(10 * MINUTE);
      expect(sink.for(user.email)).toHaveLength(0);
    });
  });
});
