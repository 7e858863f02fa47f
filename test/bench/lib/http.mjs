// Load generation (autocannon, in this process: the app under test is another process), the
// figures' timing helpers (median, timed) and a small cookie/XSRF-aware client for setting
// the scene through the real API.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';

/**
 * One autocannon run. `setupRequest` (optional) changes each request, e.g. its headers.
 * Returns completed requests per second and what came back.
 */
export async function load({ url, connections = 50, seconds, headers = {}, setupRequest }) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    ...(setupRequest ? { requests: [{ method: 'GET', setupRequest }] } : {}),
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]),
  );
  return {
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.total / result.duration,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
  };
}

/** Sums runs of one target: requests over seconds, statuses added up. */
export function combine(runs) {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const statuses = {};
  for (const r of runs)
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    statuses,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
    latencyP50: median(runs.map((r) => r.latencyP50)),
    latencyP99: Math.max(...runs.map((r) => r.latencyP99)),
  };
}

/**
 * Measures targets in alternation (A B A B … after a short warm-up of each), so slow drift
 * of a shared machine hits them alike. `targets` maps a name to autocannon options;
 * `between` runs after every measured run (e.g. to read a counter).
 */
export async function alternate(targets, { rounds, seconds, warmup, connections = 50, onRun }) {
  const names = Object.keys(targets);
  for (const name of names) await load({ ...targets[name], connections, seconds: warmup });
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const before = onRun ? await onRun.before(name) : null;
      const run = await load({ ...targets[name], connections, seconds });
      if (onRun) await onRun.after(name, run, before);
      runs[name].push(run);
    }
  }
  return Object.fromEntries(names.map((n) => [n, combine(runs[n])]));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` once: its wall-clock milliseconds and what it returned. */
export async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

/**
 * A browser-like client of the portal API: its own XSRF cookie echoed in X-XSRF-TOKEN (the
 * double-submit pair the app checks), and the session cookie once signed in.
 */
export class ApiSession {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.xsrf = randomBytes(24).toString('base64url');
    this.session = null;
  }

  async request(method, path, body) {
    const cookies = [`XSRF-TOKEN=${this.xsrf}`];
    if (this.session) cookies.push(`fp_session=${this.session}`);
    const headers = { cookie: cookies.join('; '), 'x-xsrf-token': this.xsrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const match = /^fp_session=([^;]*)/.exec(line);
      if (match) this.session = match[1] || null;
    }
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: json, text };
  }

  /** Request that must answer `expected`, else the benchmark stops with the answer. */
  async expect(expected, method, path, body) {
    const res = await this.request(method, path, body);
    if (res.status !== expected)
      throw new Error(
        `${method} ${path}: expected ${expected}, got ${res.status} ${res.text.slice(0, 300)}`,
      );
    return res.body;
  }

  login(username, password) {
    return this.expect(200, 'POST', '/api/auth/login', { username, password });
  }
}
