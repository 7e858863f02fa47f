import { Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { createApp } from './app.factory.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { migrate } from './database/database.js';
import { DemoSeed } from './dev/demo-seed.js';
import { runInContext } from './database/run-in-context.js';

/**
 * Starts the API: in development mode it first applies migrations and seeds the demo
 * tenant (the README's `npm start` promise); in production migrations are an explicit step.
 */
export async function bootstrap(config: AppConfig = loadConfig()) {
  const logger = new Logger('feedpass');
  const app = await createApp(config);
  const orm = app.get(MikroORM);
  if (config.migrateOnBoot) await migrate(orm, logger);
  if (config.seedDemo) await runInContext(orm, () => app.get(DemoSeed).run());
  await app.listen(config.port, config.host);
  logger.log(`API listening on ${await app.getUrl()} (public URL ${config.publicUrl})`);
  return app;
}

const isEntryPoint = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  bootstrap().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
