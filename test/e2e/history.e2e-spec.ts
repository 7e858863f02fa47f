import type { HistoryEvent, RotatedToken } from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { expectApiError, HOUR, sql } from '../setup/e2e-helpers';
import { startTestApp, type SeededUser, type TestApp } from '../setup/test-app';
import { seedAcmeAndGlobex } from '../setup/acme-globex';
import {
  allHistory,
  allPages,
  historyPage,
  LONG_SESSIONS,
  mint,
  parseCsv,
  patch,
  setPolicy,
} from '../setup/token-helpers';

const CSV_HEADER = ['time', 'type', 'actor', 'user', 'token_id', 'token_label', 'details'];

describe('history: /api/history and /api/admin/history (SPEC 4, 7)', () => {
  let test: TestApp;
  let users: Record<string, SeededUser>;
  let acmeId: string;
  let globexId: string;
  let alice: ApiClient; // admin of Acme
  let bob: ApiClient;
  let carol: ApiClient;
  let gina: ApiClient; // admin of Globex
  let hank: ApiClient;
  const t: Record<string, string> = {}; // the instants of the fixture's three rounds
  const ids: Record<string, string> = {}; // token ids by label

  beforeAll(async () => {
    test = await startTestApp(LONG_SESSIONS);
    ({
      acmeId,
      globexId,
      users,
      clients: { alice, bob, carol, gina, hank },
    } = await seedAcmeAndGlobex(test));

    test.clock.advance(HOUR);
    t.one = test.clock.now().toISOString();
    ids.alpha = (await mint(bob, 'alpha')).token.id;
    ids.carol = (await mint(carol, 'carol token')).token.id;
    ids.hank = (await mint(hank, 'hank token')).token.id;

    test.clock.advance(HOUR);
    t.two = test.clock.now().toISOString();
    await patch(bob, `/api/tokens/${ids.alpha}`, { label: 'alpha renamed' });
    ids.beta = (await mint(bob, 'beta')).token.id;

    test.clock.advance(HOUR);
    t.three = test.clock.now().toISOString();
    await bob.post(`/api/tokens/${ids.beta}/revoke`);
    ids.gamma = (await mint(bob, 'gamma')).token.id;
    const rotated = await bob.post<RotatedToken>(`/api/tokens/${ids.gamma}/rotate`);
    ids.gamma2 = rotated.body.token.id;
    await setPolicy(gina, { mode: 'fixed', lifetimeDays: 10, notifyDaysBefore: [1] });
    test.clock.advance(HOUR);
  });
  afterAll(() => test.close());

  const dbEventIds = async (where: string, params: unknown[]) =>
    (
      await sql<{ id: string }>(
        test,
        `select id from history_event where ${where} order by seq desc`,
        params,
      )
    ).map((r) => r.id);
  const summary = (events: HistoryEvent[]) => events.map((e) => [e.type, e.token?.label ?? null]);

  describe('GET /api/history (own)', () => {
    it('shows every event about me and nothing about other users or other tenants', async () => {
      const events = await allHistory(bob, '/api/history?limit=200');

      expect(events.map((e) => e.id)).toEqual(
        await dbEventIds('subject_user_id = ?', [users.bob.id]),
      );
      expect(events.every((e) => e.subjectUser?.id === users.bob.id)).toBe(true);
      const text = JSON.stringify(events);
      for (const other of [ids.carol, ids.hank, users.carol.id, users.hank.id, users.gina.id]) {
        expect(text).not.toContain(other);
      }
    });

    it('is newest first, each event with its actor, subject, token (label at that time) and details', async () => {
      const { items } = await historyPage(bob, '/api/history');

      expect(summary(items)).toEqual([
        ['token.created', 'gamma'],
        ['token.revoked', 'gamma'],
        ['token.created', 'gamma'],
        ['token.revoked', 'beta'],
        ['token.created', 'beta'],
        ['token.label_changed', 'alpha renamed'],
        ['token.created', 'alpha'],
        ['user.signed_in', null],
        ['user.created', null],
      ]);
      const times = items.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(items[0]).toEqual<HistoryEvent>({
        id: expect.any(String),
        occurredAt: t.three,
        type: 'token.created',
        actor: { id: users.bob.id, username: 'bob', displayName: 'bob' },
        subjectUser: { id: users.bob.id, username: 'bob', displayName: 'bob' },
        token: { id: ids.gamma2, label: 'gamma' },
        details: { expiresAt: null, rotatedFrom: ids.gamma, scope: { kind: 'all' } },
      });
      expect(items[1].details).toEqual({ reason: 'rotated' });
      expect(items[3].details).toEqual({ reason: 'user' });
      expect(items[5].details).toEqual({ from: 'alpha', to: 'alpha renamed' });
    });

    it('filters by type', async () => {
      const { items } = await historyPage(bob, '/api/history?type=token.revoked');
      expect(summary(items)).toEqual([
        ['token.revoked', 'gamma'],
        ['token.revoked', 'beta'],
      ]);
    });

    it('filters by token', async () => {
      const { items } = await historyPage(bob, `/api/history?tokenId=${ids.alpha}`);
      expect(summary(items)).toEqual([
        ['token.label_changed', 'alpha renamed'],
        ['token.created', 'alpha'],
      ]);
    });

    it('filters by time: from is inclusive, to is exclusive', async () => {
      const from = await historyPage(bob, `/api/history?from=${t.two}`);
      const to = await historyPage(bob, `/api/history?to=${t.two}`);
      const between = await historyPage(bob, `/api/history?from=${t.two}&to=${t.three}`);

      expect(summary(from.items)).toHaveLength(6);
      expect(from.items.every((e) => e.occurredAt >= t.two)).toBe(true);
      expect(summary(to.items)).toEqual([
        ['token.created', 'alpha'],
        ['user.signed_in', null],
        ['user.created', null],
      ]);
      expect(summary(between.items)).toEqual([
        ['token.created', 'beta'],
        ['token.label_changed', 'alpha renamed'],
      ]);
    });

    it('combines filters', async () => {
      const { items } = await historyPage(
        bob,
        `/api/history?type=token.created&from=${t.two}&to=${encodeURIComponent(t.three)}`,
      );
      expect(summary(items)).toEqual([['token.created', 'beta']]);
    });

    it("another user's token id gives an empty list", async () => {
      expect((await historyPage(bob, `/api/history?tokenId=${ids.carol}`)).items).toEqual([]);
      expect((await historyPage(bob, `/api/history?tokenId=${ids.hank}`)).items).toEqual([]);
    });

    it('pages by cursor: every event exactly once, in order, whatever the page size', async () => {
      const all = await historyPage(bob, '/api/history?limit=200');
      for (const limit of [1, 3, 7]) {
        const { items, pages } = await allPages<HistoryEvent>(bob, `/api/history?limit=${limit}`);
        expect(items.map((e) => e.id)).toEqual(all.items.map((e) => e.id));
        expect(pages.every((p) => p.length <= limit)).toBe(true);
        expect(pages).toHaveLength(Math.ceil(all.items.length / limit));
      }
      expect(all.nextCursor).toBeNull();
    });

    it('new events arriving between pages neither shift nor repeat the next page', async () => {
      const before = (await historyPage(bob, '/api/history?limit=200')).items;
      const page1 = await historyPage(bob, '/api/history?limit=3');
      expect(page1.items.map((e) => e.id)).toEqual(before.slice(0, 3).map((e) => e.id));

      const fresh = await mint(bob, 'arrived between pages');
      await bob.post(`/api/tokens/${fresh.token.id}/revoke`);
      const page2 = await historyPage(bob, `/api/history?limit=3&cursor=${page1.nextCursor}`);
      expect(page2.items.map((e) => e.id)).toEqual(before.slice(3, 6).map((e) => e.id));

      await mint(bob, 'arrived later still');
      let cursor = page2.nextCursor;
      const rest: HistoryEvent[] = [];
      while (cursor) {
        const page = await historyPage(bob, `/api/history?limit=3&cursor=${cursor}`);
        rest.push(...page.items);
        cursor = page.nextCursor;
      }
      expect([...page1.items, ...page2.items, ...rest].map((e) => e.id)).toEqual(
        before.map((e) => e.id),
      );
      // The newcomers are at the top of a fresh first page.
      const top = await historyPage(bob, '/api/history?limit=3');
      expect(summary(top.items)).toEqual([
        ['token.created', 'arrived later still'],
        ['token.revoked', 'arrived between pages'],
        ['token.created', 'arrived between pages'],
      ]);
      await bob.post('/api/tokens/revoke-all');
    });

    it.each([
      ['garbage', 'not-a-cursor!!'],
      ['a base64 word', 'abc'],
      ['a cursor holding a string', Buffer.from('["x"]').toString('base64url')],
      ['a cursor holding an object', Buffer.from('{"seq":1}').toString('base64url')],
      ['a cursor holding a fraction', Buffer.from('[1.5]').toString('base64url')],
      [
        'an inventory cursor',
        Buffer.from(
          `["${new Date().toISOString()}","00000000-0000-4000-8000-000000000000"]`,
        ).toString('base64url'),
      ],
    ])('rejects %s as cursor with 400 invalid_cursor', async (_name, cursor) => {
      expectApiError(
        await bob.get(`/api/history?cursor=${encodeURIComponent(cursor)}`),
        400,
        'invalid_cursor',
      );
    });

    it.each([
      ['an unknown type', 'type=token.stolen'],
      ['a malformed token id', 'tokenId=abc'],
      ['a malformed from', 'from=yesterday'],
      ['a malformed to', 'to=2026-13-45'],
      ['limit 0', 'limit=0'],
      ['limit 201', 'limit=201'],
      ['a non-numeric limit', 'limit=ten'],
    ])('rejects %s with 400', async (_name, query) => {
      const res = await bob.get<{ code: string; message: string }>(`/api/history?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toEqual(expect.any(String));
    });

    it('needs a session: 401 unauthenticated', async () => {
      expectApiError(await new ApiClient(test.baseUrl).get('/api/history'), 401, 'unauthenticated');
    });
  });

  describe('GET /api/admin/history (whole tenant)', () => {
    it("shows every event of the admin's tenant, newest first", async () => {
      const events = await allHistory(alice, '/api/admin/history?limit=200');

      expect(events.map((e) => e.id)).toEqual(await dbEventIds('tenant_id = ?', [acmeId]));
      const subjects = new Set(events.map((e) => e.subjectUser?.username));
      expect(subjects).toEqual(new Set(['alice', 'bob', 'carol']));
    });

    it('filters by user, type and time', async () => {
      const carolOnly = await allHistory(alice, `/api/admin/history?userId=${users.carol.id}`);
      expect(summary(carolOnly)).toEqual([
        ['token.created', 'carol token'],
        ['user.signed_in', null],
        ['user.created', null],
      ]);

      const created = await historyPage(
        alice,
        `/api/admin/history?type=token.created&from=${t.one}&to=${t.two}`,
      );
      expect(summary(created.items)).toEqual([
        ['token.created', 'carol token'],
        ['token.created', 'alpha'],
      ]);

      const bobsRevokes = await historyPage(
        alice,
        `/api/admin/history?userId=${users.bob.id}&type=token.revoked&to=${t.three}`,
      );
      expect(bobsRevokes.items).toEqual([]);
    });

    it('pages by cursor without gaps or repeats', async () => {
      const all = await allHistory(alice, '/api/admin/history?limit=200');
      const paged = await allHistory(alice, '/api/admin/history?limit=2');
      expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    });

    it('a non-admin gets 403 forbidden (JSON and CSV)', async () => {
      expectApiError(await bob.get('/api/admin/history'), 403, 'forbidden');
      expectApiError(await bob.get('/api/admin/history', { accept: 'text/csv' }), 403, 'forbidden');
      expectApiError(
        await new ApiClient(test.baseUrl).get('/api/admin/history'),
        401,
        'unauthenticated',
      );
    });

    it("an admin of one tenant cannot read another tenant's history", async () => {
      const acmeEvents = await allHistory(alice, '/api/admin/history?limit=200');
      const globexEvents = await allHistory(gina, '/api/admin/history?limit=200');
      const acmeIds = await dbEventIds('tenant_id = ?', [acmeId]);
      const globexIds = await dbEventIds('tenant_id = ?', [globexId]);

      expect(globexIds.length).toBeGreaterThan(0);
      expect(acmeEvents.map((e) => e.id)).toEqual(acmeIds);
      expect(globexEvents.map((e) => e.id)).toEqual(globexIds);
      expect(JSON.stringify(acmeEvents)).not.toMatch(
        new RegExp(`${users.hank.id}|${users.gina.id}|${ids.hank}`),
      );
      expect(JSON.stringify(globexEvents)).not.toMatch(
        new RegExp(`${users.bob.id}|${users.alice.id}|${ids.alpha}`),
      );

      // Naming a user of the other tenant gives nothing, in JSON and in CSV.
      expect(
        (await historyPage(alice, `/api/admin/history?userId=${users.hank.id}`)).items,
      ).toEqual([]);
      expect((await historyPage(gina, `/api/admin/history?userId=${users.bob.id}`)).items).toEqual(
        [],
      );
      const csv = await alice.get(`/api/admin/history?userId=${users.hank.id}`, {
        accept: 'text/csv',
      });
      expect(parseCsv(csv.text)).toEqual([CSV_HEADER]);
      expect((await historyPage(alice, `/api/admin/history?type=policy.changed`)).items).toEqual(
        [],
      );
    });
  });

  describe('CSV export (Accept: text/csv)', () => {
    const dangerous = ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1:A9)'];
    const awkward = ['Plain, with "quotes"', '"quoted" start', 'semi;colon', 'ünïcødé 🔑'];
    const minted: Record<string, string> = {};

    beforeAll(async () => {
      test.clock.advance(HOUR);
      await carol.post('/api/tokens/revoke-all');
      for (const label of [...dangerous, ...awkward]) {
        minted[label] = (await mint(carol, label)).token.id;
        await carol.post(`/api/tokens/${minted[label]}/revoke`);
      }
    });

    const csvOf = async (query: string) => {
      const res = await alice.get(`/api/admin/history${query}`, { accept: 'text/csv' });
      expect(res.status).toBe(200);
      return { res, rows: parseCsv(res.text) };
    };

    it('answers text/csv as an attachment, with a header row and one row per event of the same filter as JSON', async () => {
      const query = `?userId=${users.bob.id}`;
      const { res, rows } = await csvOf(query);
      const json = await allHistory(alice, `/api/admin/history${query}&limit=200`);

      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment;\s*filename="?[^"]+\.csv"?$/,
      );
      expect(rows[0]).toEqual(CSV_HEADER);
      const body = rows.slice(1);
      expect(body).toHaveLength(json.length);
      expect(body.map((r) => [r[0], r[1], r[3], r[4]])).toEqual(
        json.map((e) => [e.occurredAt, e.type, 'bob', e.token?.id ?? '']),
      );
      expect(body.every((r) => r.length === CSV_HEADER.length)).toBe(true);
      expect(JSON.parse(body[0][6])).toEqual(json[0].details);
    });

    it('applies type and time filters like JSON does', async () => {
      const query = `?type=token.created&from=${t.one}&to=${t.three}`;
      const { rows } = await csvOf(query);
      const json = await allHistory(alice, `/api/admin/history${query}`);

      expect(rows.slice(1).map((r) => r[4])).toEqual(json.map((e) => e.token?.id));
      expect(json.length).toBe(3);
    });

    it("neutralises labels a spreadsheet would run as a formula (the cell starts with ')", async () => {
      const { rows } = await csvOf(`?userId=${users.carol.id}`);

      for (const label of dangerous) {
        const labelled = rows.filter((r) => r[4] === minted[label]);
        expect(labelled).toHaveLength(2); // created, revoked
        for (const row of labelled) expect(row[5]).toBe(`'${label}`);
      }
      for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });

    it('escapes quotes and commas so every label survives a round trip (line breaks: csv.spec.ts)', async () => {
      const { res, rows } = await csvOf(`?userId=${users.carol.id}`);

      for (const label of awkward) {
        const labelled = rows.filter((r) => r[4] === minted[label]);
        expect(labelled.map((r) => r[5])).toEqual([label, label]);
      }
      expect(res.text).toContain('"Plain, with ""quotes"""');
      expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
    });
  });
});
