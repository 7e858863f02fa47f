/**
 * The embedded services `npm start` runs when DATABASE_URL / SMTP_URL are not set, so the
 * CLI (e.g. `npm run job:expiry`) reaches the same ones from another terminal.
 */
export function embeddedPostgresPort(env: Record<string, string | undefined>): number {
  return Number(env.EMBEDDED_PG_PORT || 54329);
}

export function embeddedDatabaseUrl(env: Record<string, string | undefined>): string {
  return `postgres://postgres:postgres@127.0.0.1:${embeddedPostgresPort(env)}/feedpass`;
}

export function mailSinkPorts(env: Record<string, string | undefined>): { smtp: number; web: number } {
  return { smtp: Number(env.MAILDEV_SMTP_PORT || 1025), web: Number(env.MAILDEV_WEB_PORT || 1080) };
}

/** Development only: fills DATABASE_URL and SMTP_URL with the embedded services' addresses. */
export function withDevDefaults(env: Record<string, string | undefined>): Record<string, string | undefined> {
  if (env.NODE_ENV === 'production') return env;
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL || embeddedDatabaseUrl(env),
    SMTP_URL: env.SMTP_URL || `smtp://127.0.0.1:${mailSinkPorts(env).smtp}`,
  };
}
