import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { freePort } from './free-port';

/**
 * The built API and CLI (`dist/`, built by the global setup) as real child processes, for
 * the fault and load specs (issue 7): a process that can be SIGKILLed, a CLI job that can be
 * killed mid-statement, and a keep-alive HTTP client with a per-request deadline.
 */
export const ROOT = resolve(__dirname, '../..');

// A child gets only PATH from our environment, plus what the spec passes (see testEnv).

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliRun extends Exit {
  out: string;
}

/** A running `node dist/apps/api/src/cli.js …`: its output so far and its exit. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<CliRun>;
}

export function spawnCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['dist/apps/api/src/cli.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<CliRun>((done) =>
    child.once('close', (code, signal) => done({ code, signal, out })),
  );
  return { child, output: () => out, exited };
}

/** Runs a CLI command to its end. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return spawnCli(args, env).exited;
}

/** Runs a CLI command and throws (with its output) unless it exits 0. */
export async function cliOk(args: string[], env: Record<string, string>): Promise<string> {
  const run = await runCli(args, env);
  if (run.code !== 0)
    throw new Error(`cli ${args.join(' ')} → ${run.code ?? run.signal}\n${run.out}`);
  return run.out;
}

/**
 * Creates a tenant and its users through the CLI, as an operator does (each command must
 * succeed); every user signs in with `password` and has the address `<username>@example.test`.
 */
export async function cliTenant(
  env: Record<string, string>,
  tenant: string,
  users: { username: string; displayName: string; role?: 'admin' }[],
  password: string,
): Promise<void> {
  await cliOk(['tenant:create', '--name', tenant], env);
  for (const { username, displayName, role } of users) {
    await cliOk(
      [
        'user:create',
        ...['--tenant', tenant, '--username', username, '--email', `${username}@example.test`],
        ...['--display-name', displayName, ...(role ? ['--role', role] : [])],
      ],
      { ...env, FEEDPASS_PASSWORD: password },
    );
  }
}

/** One `node dist/apps/api/src/main.js` on a loopback port. */
export interface ApiProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** The tail of what the process wrote (stdout and stderr; set LOG_LEVEL to see its log). */
  output(): string;
  exited: Promise<Exit>;
  /** Sends the signal and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export async function startApiProcess(
  env: Record<string, string>,
  port?: number,
): Promise<ApiProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, ...env, PORT: String(chosen), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    // Keep the tail only: a long run must not grow memory without bound.
    output = (output + d.toString()).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let gone = false;
  const exited = new Promise<Exit>((done) =>
    child.once('exit', (code, signal) => {
      gone = true;
      done({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${chosen}`;
  const instance: ApiProcess = {
    url,
    port: chosen,
    child,
    output: () => output,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
  for (let i = 0; i < 300; i++) {
    if (gone) break;
    const up = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return instance;
    await sleep(100);
  }
  await instance.kill('SIGKILL');
  throw new Error(`the API process did not start:\n${output}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A promise that must settle within `ms` (else it rejects with a `TimeoutError`). */
export async function within<T>(promise: Promise<T>, ms: number, what = 'request'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () =>
        fail(
          Object.assign(new Error(`${what}: no answer within ${ms} ms`), { name: 'TimeoutError' }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HttpAnswer {
  status: number;
  bytes: number;
  ms: number;
  body: string;
}

/** A keep-alive agent for many concurrent loopback readers. */
export const keepAliveAgent = (maxSockets: number) =>
  new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });

/**
 * GET over node:http with a keep-alive agent; rejects with a `TimeoutError` when the whole
 * answer has not arrived within `timeoutMs`. The body is kept only when `keepBody` (or when
 * the status is not 2xx, to say what went wrong).
 */
export function httpGet(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  keepBody = false,
): Promise<HttpAnswer> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const req = request(url, { agent, headers, method: 'GET' }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      const status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keepBody || status >= 300) chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        done({
          status,
          bytes,
          ms: performance.now() - started,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
    });
    const timer = setTimeout(() => {
      req.destroy(
        Object.assign(new Error(`GET ${url}: no answer within ${timeoutMs} ms`), {
          name: 'TimeoutError',
        }),
      );
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    req.end();
  });
}

/** The q-quantile (0..1) of a list of numbers (nearest rank); NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
