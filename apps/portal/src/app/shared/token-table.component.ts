import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { Token, UserRef } from '@feedpass/contracts';
import { IconComponent } from './icon.component';
import { tokenStatusLabel } from './token-status';
import { TzDatePipe } from './tz-date.pipe';

/** The columns a token table can show. */
export type TokenColumn =
  'owner' | 'label' | 'createdAt' | 'expiresAt' | 'status' | 'lastUsedAt' | 'actions';

/** A token as the table shows it; the owner column needs `owner`. */
export type TokenRow = Token & { owner?: UserRef };

/**
 * Token metadata (never a value) in a Material table, dates in the given time zone. The
 * actions column offers only what the token's status allows and leaves the doing to the page.
 */
@Component({
  selector: 'fp-token-table',
  imports: [MatButtonModule, MatTableModule, MatTooltipModule, IconComponent, TzDatePipe],
  templateUrl: './token-table.component.html',
  styleUrl: './token-table.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenTableComponent {
  readonly tokens = input.required<readonly TokenRow[]>();
  /** The columns to show, in order. */
  readonly columns = input.required<TokenColumn[]>();
  /** The screen-reader caption, e.g. "Your access tokens, newest first". */
  readonly caption = input.required<string>();
  /** The IANA zone dates show in; UTC without one. */
  readonly timeZone = input<string | null | undefined>();
  /** Shows the status as a coloured badge rather than plain text. */
  readonly statusBadges = input(false);

  readonly editLabel = output<Token>();
  readonly rotate = output<Token>();
  readonly revoke = output<Token>();

  protected readonly statusLabel = tokenStatusLabel;
  /** Keeps rows (and the focus in them) across reloads of the list. */
  protected readonly trackById = (_index: number, token: TokenRow) => token.id;
}
