import type { Health } from '@feedpass/contracts';
import { ApiClient } from '../setup/api-client';
import { startTestApp, type TestApp } from '../setup/test-app';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

describe('health and API documentation (SPEC 7, 9)', () => {
  let test: TestApp;
  let client: ApiClient;

  beforeAll(async () => {
    test = await startTestApp();
    client = new ApiClient(test.baseUrl);
  });
  afterAll(() => test.close());

  it('GET /api/health → 200 {status: ok, database: up} to anyone, no sign-in needed', async () => {
    const res = await client.get<Health>('/api/health');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', version: expect.any(String) });
  });

  it('GET /api/docs → 200 with the Swagger UI page', async () => {
    const res = await client.get('/api/docs');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toMatch(/swagger/i);
  });

  it('GET /api/docs-json → the OpenAPI document, listing the auth and user-admin routes', async () => {
    const res = await client.get<OpenApiDocument>('/api/docs-json');

    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/auth/logout',
        '/api/auth/me',
        '/api/admin/users',
        '/api/admin/users/{id}/deactivate',
        '/api/admin/users/{id}/reactivate',
        '/api/health',
      ]),
    );
    expect(res.body.paths['/api/auth/login']).toHaveProperty('post');
    expect(res.body.paths['/api/admin/users']).toHaveProperty('get');
    expect(res.body.paths['/api/admin/users']).toHaveProperty('post');
  });
});
