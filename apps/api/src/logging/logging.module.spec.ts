import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { requestLogging } from './logging.module';

type LoggedRequest = IncomingMessage & { id?: string; log?: Logger };

function request(headers: Record<string, string> = {}): [LoggedRequest, ServerResponse] {
  const req = new IncomingMessage(new Socket()) as LoggedRequest;
  req.method = 'GET';
  req.url = '/odata/abc/Deals';
  req.headers = { host: 'feed.example', authorization: 'Basic c2VjcmV0OnRva2Vu', ...headers };
  return [req, new ServerResponse(req)];
}

const config = (logRequests: boolean) =>
  ({ logLevel: 'info', nodeEnv: 'production', logRequests }) as AppConfig;

describe('requestLogging without request log lines (LOG_REQUESTS=false)', () => {
  let lines: string[];
  let write: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  it('gives each request an id, echoed as X-Request-Id, keeping a sane one it was sent', () => {
    const logging = requestLogging(config(false));
    const [a, resA] = request();
    const [b, resB] = request({ 'x-request-id': 'trace-42' });
    const [c, resC] = request({ 'x-request-id': 'not sane <script>' });
    for (const [req, res] of [
      [a, resA],
      [b, resB],
      [c, resC],
    ] as const)
      logging(req, res, () => undefined);

    expect(resA.getHeader('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(resB.getHeader('x-request-id')).toBe('trace-42');
    expect(resC.getHeader('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).toBe(resA.getHeader('x-request-id'));
    expect(logging.quiet).toBeDefined();
  });

  it("logs nothing per request, and a request's own log line carries the request, redacted", () => {
    const logging = requestLogging(config(false));
    const [req, res] = request({ 'x-request-id': 'trace-7', 'user-agent': 'Power BI' });
    logging(req, res, () => undefined);
    res.end();
    expect(lines).toEqual([]);

    req.log!.warn({ detail: 1 }, 'something to say');
    req.log!.child({ context: 'Errors' }).error('and more');

    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({
      msg: 'something to say',
      detail: 1,
      req: { id: 'trace-7', method: 'GET', url: '/odata/abc/Deals', userAgent: 'Power BI' },
    });
    expect(second).toMatchObject({ msg: 'and more', context: 'Errors', req: { id: 'trace-7' } });
    expect(lines.join('')).not.toContain('c2VjcmV0OnRva2Vu');
  });

  it('with LOG_REQUESTS, is pino-http: one line per finished request', () => {
    const logging = requestLogging(config(true));
    const [req, res] = request({ 'x-request-id': 'trace-9' });
    logging(req, res, () => undefined);
    expect(logging.quiet).toBeUndefined();
    expect(res.getHeader('x-request-id')).toBe('trace-9');
    res.emit('finish'); // as the socket's flush would

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ req: { id: 'trace-9' } });
    expect(lines[0]).not.toContain('c2VjcmV0OnRva2Vu');
  });
});
