import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';
import { FixedClock } from '../../apps/api/src/common/clock';
import { startAppOn, type TestApp } from './test-app';
import { createTestDatabase } from './test-database';

const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value instanceof Error
      ? `${value.message}\n${value.stack ?? ''}`
      : inspect(value, { depth: 10, breakLength: Infinity });

/** A Nest logger that keeps every line, at every level, for the spec to search. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];

  private record(level: string, message: unknown, params: unknown[]): void {
    this.lines.push(`${level} ${[message, ...params].map(text).join(' ')}`);
  }
  log(message: unknown, ...params: unknown[]) {
    this.record('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.record('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.record('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.record('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.record('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.record('fatal', message, params);
  }
  /** Everything is recorded, whatever level the app asks for. */
  setLogLevels() {}
}

export interface CapturingTestApp extends TestApp {
  /** Nest's log lines (every level) and MikroORM's query log (every statement with its parameters). */
  logs: RecordingLogger;
  /** What went to the console and to stdout/stderr while the app ran. */
  output: string[];
  /** Everything captured so far, as one string. */
  captured(): string;
}

/**
 * Like `startTestApp`, but with a logger that records every level, MikroORM's query debug
 * log switched on and recorded, and console/stdout/stderr captured until `close()`.
 */
export async function startCapturingTestApp(
  env: Record<string, string> = {},
): Promise<CapturingTestApp> {
  const output: string[] = [];
  const restore: (() => void)[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      output.push(`console.${method} ${args.map(text).join(' ')}`);
    };
    restore.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
      );
      // Kept, not echoed: the spec searches it, and the run's output stays readable.
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    restore.push(() => (stream.write = original));
  }

  const logs = new RecordingLogger();
  const test = await startAppOn(await createTestDatabase(), env, new FixedClock(new Date()), logs);
  const { orm } = test;
  // Through the config, so that its later `sync()` calls keep debug mode on.
  orm.config.set('debug', true);
  const ormLogger = orm.config.getLogger() as unknown as { writer: (message: string) => void };
  ormLogger.writer = (message: string) => logs.lines.push(`mikro-orm ${message}`);

  return {
    ...test,
    logs,
    output,
    captured: () => [...logs.lines, ...output].join('\n'),
    close: async () => {
      try {
        await test.close();
      } finally {
        for (const undo of restore.reverse()) undo();
      }
    },
  };
}
