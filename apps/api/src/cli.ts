import { MikroORM } from '@mikro-orm/postgresql';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { AppModule } from './app.module.js';
import { loadConfig } from './config/app-config.js';
import { withDevDefaults } from './config/dev-defaults.js';
import { FixedClock } from './common/clock.js';
import { ExpiryJob } from './expiry/expiry.job.js';
import { migrate } from './database/database.js';
import { runInContext } from './database/run-in-context.js';
import { DemoSeed } from './dev/demo-seed.js';
import { TenantRepository } from './users/tenant.repository.js';
import { UsersService } from './users/users.service.js';
import { CreateUserDto } from './users/dto/create-user.dto.js';
import { apiValidationPipe } from './common/validation.js';

const HELP = `feedpass command line (configured like the server: DATABASE_URL, NODE_ENV, ...)

  npm run cli -- migrate                       apply pending database migrations
  npm run cli -- migration:create [--initial]  write a migration for entity changes (development)
  npm run cli -- tenant:create --name <name>   create a tenant; prints its id
  npm run cli -- user:create --tenant <name> --username <u> --email <e>
                 --display-name <n> [--role user|admin] [--time-zone <IANA zone>]
                                               create a user; the password comes from the
                                               FEEDPASS_PASSWORD environment variable or stdin,
                                               never from an argument
  npm run cli -- seed:demo                     create the demo tenant (refused in production)
  npm run job:expiry -- --now <ISO-8601>       one expiry sweep and one outbox dispatch as if it
                                               were that time (default: now), then exit

In development, DATABASE_URL and SMTP_URL default to the embedded PostgreSQL and mail sink
that \`npm start\` runs.
`;

async function readPassword(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.FEEDPASS_PASSWORD) return env.FEEDPASS_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password (input hidden): ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    if (process.stdin.isTTY) process.stderr.write('\n');
    return line.replace(/\r$/, '');
  }
  throw new Error('No password given: set FEEDPASS_PASSWORD or pipe it on stdin');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(HELP);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      tenant: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      'display-name': { type: 'string' },
      role: { type: 'string', default: 'user' },
      'time-zone': { type: 'string', default: 'UTC' },
      initial: { type: 'boolean', default: false },
      now: { type: 'string' },
    },
  });
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (
    Number.isNaN(now.getTime()) ||
    (values.now !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(values.now))
  ) {
    throw new Error(
      `--now must be an ISO-8601 date-time such as 2026-12-01T00:00:00Z, got "${values.now}"`,
    );
  }
  const config = {
    ...loadConfig(withDevDefaults(process.env)),
    migrateOnBoot: false,
    portalDir: null,
    expiryCron: null,
  };
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { clock: new FixedClock(now) }),
    {
      logger: ['warn', 'error'],
    },
  );
  const orm = app.get(MikroORM);
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(orm);
        console.log(
          applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.',
        );
        break;
      }
      case 'migration:create': {
        const result = await orm.migrator.create(undefined, false, values.initial);
        console.log(
          result.fileName
            ? `Wrote ${result.fileName}; add it to libs/domain/src/migrations/index.ts`
            : 'No changes.',
        );
        break;
      }
      case 'tenant:create': {
        if (!values.name) throw new Error('--name is required');
        const tenant = await runInContext(orm, () =>
          app.get(TenantRepository).create(values.name!),
        );
        console.log(`Created tenant "${tenant.name}" (${tenant.id})`);
        break;
      }
      case 'user:create': {
        const missing = ['tenant', 'username', 'email', 'display-name'].filter(
          (k) => !values[k as keyof typeof values],
        );
        if (missing.length) throw new Error(`Missing --${missing.join(', --')}`);
        // The same validation as POST /api/admin/users.
        const input: CreateUserDto = await apiValidationPipe().transform(
          {
            username: values.username,
            email: values.email,
            displayName: values['display-name'],
            role: values.role,
            timeZone: values['time-zone'],
            password: await readPassword(process.env),
          },
          { type: 'body', metatype: CreateUserDto },
        );
        const user = await runInContext(orm, async () => {
          const tenant = await app.get(TenantRepository).findByName(values.tenant!);
          if (!tenant) throw new Error(`No tenant named "${values.tenant}"`);
          return app.get(UsersService).create({ tenantId: tenant.id, userId: null }, input);
        });
        console.log(`Created ${user.role} "${user.username}" (${user.id})`);
        break;
      }
      case 'job:expiry': {
        const { sweep, outbox } = await app.get(ExpiryJob).runOnce(now);
        console.log(
          `Expiry sweep at ${now.toISOString()}: ${sweep.expired} token(s) expired, ${sweep.unused} revoked as unused, ${sweep.notices} notice(s) queued in ${sweep.emails} email(s)` +
            (sweep.ran ? '' : ' (skipped: another instance was sweeping)'),
        );
        console.log(
          `Outbox: ${outbox.sent} sent, ${outbox.retried} to retry, ${outbox.failed} failed, ${outbox.cancelled} cancelled`,
        );
        break;
      }
      case 'seed:demo':
        await runInContext(orm, () => app.get(DemoSeed).run());
        console.log('The demo tenant is ready.');
        break;
      default:
        throw new Error(`Unknown command "${command}"\n\n${HELP}`);
    }
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const e = error as { message?: string; getResponse?: () => { message?: string } };
  console.error(e.getResponse?.().message ?? e.message ?? String(error));
  process.exit(1);
});
