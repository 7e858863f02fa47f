// Child processes of the benchmark, and everything that must be undone when it ends: each
// process it starts is registered here and stopped by its own pid, on success, on failure
// and on Ctrl+C alike.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const cleanups = [];

/** Runs `fn` at the end (last registered, first run). */
export function onCleanup(fn) {
  cleanups.push(fn);
}

let cleaning;
/** Runs every cleanup once, newest first; errors are reported, not thrown. */
export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (error) {
        console.error(`bench: cleanup failed: ${error?.message ?? error}`);
      }
    }
  })();
  return cleaning;
}

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Starts a node script as a child process, keeps the tail of its output for error messages,
 * and registers its stop. `stop()` sends SIGTERM to that pid, then SIGKILL after 5 s.
 */
export function startNode(name, args, { env = process.env, cwd, ipc = false } = {}) {
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])],
  });
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  onCleanup(stop);
  return {
    name,
    child,
    pid: child.pid,
    exited,
    stop,
    output: () => tail,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

/** Polls `url` until it answers `status`, the process dies, or `timeoutMs` passes. */
export async function waitForHttp(url, proc, { status = 200, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc && !proc.running)
      throw new Error(`${proc.name} exited while starting:\n${proc.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(200);
  }
  throw new Error(
    `${url} did not answer ${status} within ${timeoutMs / 1000} s (${last})${proc ? `\n${proc.output()}` : ''}`,
  );
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status), or null. */
export function rssOf(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until `stop()`, which returns the maximum seen. */
export function sampleRss(pid, everyMs = 50) {
  let max = rssOf(pid) ?? 0;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== null) {
      max = Math.max(max, rss);
      samples++;
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = rssOf(pid);
      if (rss !== null) max = Math.max(max, rss);
      return { max, samples };
    },
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds, or null. */
export function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
