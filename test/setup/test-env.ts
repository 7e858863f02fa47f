/** The password every user a spec creates signs in with (unless the spec says otherwise). */
export const TEST_PASSWORD = 'correct-horse-battery';

/**
 * The environment every spec's API runs with, on the given database: in-process (through
 * `loadConfig`) or as a child process.
 */
export function testEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PORTAL_DIR: '',
    SEED_DEMO: 'false',
    MIGRATE_ON_BOOT: 'false',
    ...extra,
  };
}
