import { Injectable } from '@nestjs/common';
import { OutboxRepository } from '../mail/outbox.repository.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process (`GET /metrics`). One registry per application, so
 * several apps in one process (tests) never collide. Outbox gauges are read from
 * PostgreSQL at scrape time: they describe the shared queue, the same on every instance.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'feedpass_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'feedpass_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly authFailures = this.counter(
    'feedpass_auth_failures_total',
    'Failed sign-ins: portal logins and OData Basic attempts',
    'kind',
  );
  readonly tokens = this.counter(
    'feedpass_tokens_total',
    'Access tokens minted, revoked and expired',
    'event',
  );
  readonly emails = this.counter('feedpass_emails_total', 'Outbox emails by outcome', 'outcome');
  readonly jobDuration = new Histogram({
    name: 'feedpass_expiry_job_duration_seconds',
    help: 'Duration of one expiry job run (sweep and dispatch)',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [this.registry],
  });

  /**
   * The counter and histogram children of each (method, route, status) seen: prom-client
   * resolves label objects on every call, so each combination is resolved once. Routes are
   * patterns, never raw paths, so the map stays as small as the route table.
   */
  private readonly children = new Map<
    string,
    { count: { inc(): void }; duration: { observe(seconds: number): void } }
  >();

  constructor(outboxRows: OutboxRepository) {
    collectDefaultMetrics({ register: this.registry });
    const outbox = (status: 'queued' | 'failed') =>
      async function (this: Gauge) {
        this.set(await outboxRows.count(status));
      };
    new Gauge({
      name: 'feedpass_outbox_queued',
      help: 'Emails waiting in the outbox',
      registers: [this.registry],
      collect: outbox('queued'),
    });
    new Gauge({
      name: 'feedpass_outbox_failed',
      help: 'Emails parked after repeated failures',
      registers: [this.registry],
      collect: outbox('failed'),
    });
  }

  /** One finished HTTP request: counted by route pattern and status, and timed. */
  observeRequest(method: string, route: string, status: number, ms: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.children.get(key);
    if (!child) {
      child = {
        count: this.httpRequests.labels(method, route, String(status)),
        duration: this.httpDuration.labels(method, route),
      };
      this.children.set(key, child);
    }
    child.count.inc();
    child.duration.observe(ms / 1000);
  }

  /** A counter of one label on this app's registry. */
  private counter<L extends string>(name: string, help: string, label: L): Counter<L> {
    return new Counter({ name, help, labelNames: [label], registers: [this.registry] });
  }
}
