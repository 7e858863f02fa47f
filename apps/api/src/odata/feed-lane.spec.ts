import express, { type RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiException } from '../common/api-exception';
import { feedLane } from './feed-lane';
import type { ODataService } from './odata.service';

/**
 * The lane's own control flow, on a real HTTP server: which requests it takes, and that a
 * middleware's refusal is answered as the feed answers failures. (Everything it runs is
 * compared with the routed feed in test/e2e/feed-lane.e2e-spec.ts.)
 */
describe('feedLane', () => {
  let server: Server;
  let base: string;
  const reached: string[] = [];
  /** The lane's middlewares: each test sets its own. */
  const middlewares: RequestHandler[] = [];

  beforeAll(async () => {
    const lane = feedLane({
      express: express(),
      middlewares,
      guard: { canActivate: () => true },
      odata: {
        handle: async (_req, res) => {
          res.status(200).end('served by the lane');
        },
      } as Pick<ODataService, 'handle'> as ODataService,
    });
    server = createServer((req, res) => {
      if (lane(req, res)) return;
      reached.push(`${req.method} ${req.url}`);
      res.statusCode = 418;
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));
  beforeEach(() => {
    reached.length = 0;
    middlewares.length = 0;
  });

  it('takes GET and HEAD of a feed address, and leaves everything else to Express', async () => {
    for (const path of ['/odata/K3y/', '/odata/K3y', '/ODATA/K3y/Deals?$top=1']) {
      const res = await fetch(base + path);
      expect([path, res.status, await res.text()]).toEqual([path, 200, 'served by the lane']);
    }
    expect((await fetch(`${base}/odata/K3y/`, { method: 'HEAD' })).status).toBe(200);
    for (const path of ['/odata', '/odata/', '/odata/K%33y/', '/odata/K3y//Deals', '/api/x']) {
      expect([path, (await fetch(base + path)).status]).toEqual([path, 418]);
    }
    expect((await fetch(`${base}/odata/K3y/`, { method: 'POST' })).status).toBe(418);
    expect(reached).toHaveLength(6);
  });

  it("answers a middleware's next(error) as the feed answers that error", async () => {
    middlewares.push(
      (_req, _res, next) => next(),
      (_req, _res, next) => next(new ApiException(400, 'bad_request', 'no such header')),
      () => {
        throw new Error('not reached: the lane stops at the first refusal');
      },
    );
    const res = await fetch(`${base}/odata/K3y/`);
    expect(res.status).toBe(400);
    expect(res.headers.get('odata-version')).toBe('4.0');
    expect(await res.json()).toEqual({ error: { code: 'bad_request', message: 'no such header' } });
  });

  it('answers a 500 that says nothing when a middleware does not go on at once', async () => {
    middlewares.push(() => undefined);
    const res = await fetch(`${base}/odata/K3y/`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side' },
    });
  });
});
