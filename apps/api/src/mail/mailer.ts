import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * The pooled transport's settings (the benchmark's nodemailer baseline uses the same): five
 * connections, each delivering messages one after another and replaced after 100 (nodemailer's
 * default, kept: some servers cap the messages per connection). The outbox dispatcher hands
 * a whole batch to the pool at once; the pool queues what its connections are not sending.
 */
export const SMTP_POOL_OPTIONS = {
  pool: true,
  maxConnections: 5,
  maxMessages: 100,
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
} as const;

/**
 * The one adapter around nodemailer: a pooled SMTP transport from SMTP_URL. `send`
 * resolves only once the server accepted the message; the pool is closed on shutdown,
 * after in-flight sends.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.smtpUrl !== null;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.config.smtpUrl) throw new Error('SMTP_URL is not set: email cannot be sent');
    this.transport ??= nodemailer.createTransport({
      url: this.config.smtpUrl,
      ...SMTP_POOL_OPTIONS,
    } as never);
    await this.transport.sendMail({ from: this.config.mailFrom, ...message });
  }

  onModuleDestroy(): void {
    this.transport?.close();
    this.logger.debug('SMTP pool closed');
  }
}
