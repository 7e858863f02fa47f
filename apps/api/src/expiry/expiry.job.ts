import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { OutboxDispatcher, type DispatchResult } from '../mail/outbox.dispatcher.js';
import { ExpirySweep, type SweepResult } from './expiry-sweep.js';

export const EXPIRY_JOB = 'expiry';

/**
 * The scheduled expiry job: every EXPIRY_CRON tick, one sweep then one outbox dispatch,
 * each in its own MikroORM context (forked EntityManagers). A tick that finds the previous
 * one still running is skipped; shutdown waits for the current run to finish.
 */
@Injectable()
export class ExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiryJob');
  private running?: Promise<unknown>;

  constructor(
    private readonly sweep: ExpirySweep,
    private readonly outbox: OutboxDispatcher,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.expiryCron) return;
    const job = CronJob.from({
      cronTime: this.config.expiryCron,
      onTick: () => this.tick(),
      start: true,
    });
    this.scheduler.addCronJob(EXPIRY_JOB, job);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('cron', EXPIRY_JOB)) this.scheduler.deleteCronJob(EXPIRY_JOB);
    await this.running;
  }

  /** One sweep and one dispatch, as if it were `now`. */
  async runOnce(
    now: Date = this.clock.now(),
  ): Promise<{ sweep: SweepResult; outbox: DispatchResult }> {
    const stop = this.metrics.jobDuration.startTimer();
    try {
      const sweep = await this.sweep.run(now);
      this.metrics.tokens.inc({ event: 'expired' }, sweep.expired);
      this.metrics.tokens.inc({ event: 'revoked' }, sweep.unused);
      const outbox = await this.outbox.dispatch(now);
      for (const outcome of ['sent', 'retried', 'failed', 'cancelled'] as const) {
        this.metrics.emails.inc({ outcome }, outbox[outcome]);
      }
      return { sweep, outbox };
    } finally {
      stop();
    }
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.runOnce()
      .catch((error: unknown) =>
        this.logger.error(`Expiry job failed: ${(error as Error).message}`),
      )
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
