import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { FailedMailList } from '@feedpass/contracts';

/**
 * The inventory's line about expiry emails that could not be delivered (parked after
 * repeated SMTP failures), so an admin notices a broken mail relay.
 */
@Component({
  selector: 'fp-failed-mail-notice',
  template: `
    @if (mail(); as m) {
      @if (m.items.length) {
        <div class="failed" role="alert">
          <strong
            >{{ m.items.length }} expiry {{ m.items.length === 1 ? 'email' : 'emails' }} could not
            be delivered.</strong
          >
          Check the mail server settings (SMTP_URL). Not delivered:
          <ul>
            @for (item of m.items; track item.id) {
              <li>
                to {{ item.recipient.displayName }} ({{ item.recipient.username }}) about
                {{ item.tokenLabels.join(', ') }} — {{ item.attempts }} attempts; last error:
                {{ item.lastError ?? 'unknown' }}
              </li>
            }
          </ul>
        </div>
      } @else if (m.queued) {
        <p class="queued">
          {{ m.queued }} expiry {{ m.queued === 1 ? 'email is' : 'emails are' }} waiting to be sent.
        </p>
      }
    }
  `,
  styles: `
    .failed {
      border-left: 4px solid var(--mat-sys-error, #b3261e);
      padding: 8px 12px;
      margin: 8px 0 16px;
    }
    .queued {
      margin: 8px 0 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FailedMailNoticeComponent {
  protected readonly mail = signal<FailedMailList | null>(null);

  constructor() {
    inject(HttpClient)
      .get<FailedMailList>('/api/admin/mail/failed')
      .subscribe({ next: (list) => this.mail.set(list), error: () => this.mail.set(null) });
  }
}
