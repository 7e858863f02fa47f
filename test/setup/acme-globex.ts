import type { ApiClient } from './api-client';
import { signIn } from './e2e-helpers';
import { seedTenant, TEST_PASSWORD, type SeededUser, type TestApp } from './test-app';

/**
 * The cast of the API specs: Acme (alice, its admin; bob; carol) and Globex (gina, its admin;
 * hank), every one of them signed in.
 */
export interface AcmeAndGlobex {
  acmeId: string;
  globexId: string;
  users: Record<CastName, SeededUser>;
  clients: Record<CastName, ApiClient>;
}

export type CastName = 'alice' | 'bob' | 'carol' | 'gina' | 'hank';

export async function seedAcmeAndGlobex(test: TestApp): Promise<AcmeAndGlobex> {
  const acme = await seedTenant(test, 'Acme', [
    { username: 'alice', role: 'admin' },
    { username: 'bob' },
    { username: 'carol' },
  ]);
  const globex = await seedTenant(test, 'Globex', [
    { username: 'gina', role: 'admin' },
    { username: 'hank' },
  ]);
  const users = { ...acme.users, ...globex.users } as Record<CastName, SeededUser>;
  const [alice, bob, carol, gina, hank] = await Promise.all(
    (['alice', 'bob', 'carol', 'gina', 'hank'] as const).map((u) => signIn(test, u, TEST_PASSWORD)),
  );
  return {
    acmeId: acme.tenantId,
    globexId: globex.tenantId,
    users,
    clients: { alice, bob, carol, gina, hank },
  };
}
