import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** cancelled: nothing left to say when it was due (tokens revoked, owner deactivated). */
export const OUTBOX_STATUSES = ['queued', 'sent', 'failed', 'cancelled'] as const;

/** `notice`: token expiry notices; the others carry a one-time account link. */
export const OUTBOX_KINDS = ['notice', 'invitation', 'password_reset'] as const;

/**
 * An email waiting to go out, rendered at send time from its token notices. Rows survive
 * restarts and SMTP outages; the dispatcher claims them with FOR UPDATE SKIP LOCKED.
 */
export const MailOutbox = defineEntity({
  name: 'MailOutbox',
  tableName: 'mail_outbox',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    tenantId: p.uuid(),
    userId: p.uuid(),
    status: p.enum(OUTBOX_STATUSES).default('queued'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    lastError: p.string().length(500).nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    kind: p.enum(OUTBOX_KINDS).default('notice'),
    /** The account link the email is for (invitation, password reset). */
    linkId: p.uuid().nullable(),
    /**
     * The link's secret, kept only while the email waits to go out: erased when it is
     * sent, cancelled or parked as failed, so a dump taken after delivery holds no link.
     */
    linkSecret: p.string().length(64).nullable().hidden(),
  },
  indexes: [
    {
      name: 'mail_outbox_due_index',
      expression: `create index "mail_outbox_due_index" on "mail_outbox" ("next_attempt_at") where "status" = 'queued'`,
    },
    { name: 'mail_outbox_tenant_status_index', properties: ['tenantId', 'status'] },
  ],
});

export type MailOutbox = InferEntity<typeof MailOutbox>;
