import type { UserRef } from './tokens.js';

/** An expiry email that kept failing and was parked (`GET /api/admin/mail/failed`). */
export interface FailedMail {
  id: string;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  recipient: UserRef;
  tokenLabels: string[];
}

export interface FailedMailList {
  /** Emails still waiting to be sent (or retried). */
  queued: number;
  items: FailedMail[];
}
