import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { Token, UserRef } from '@feedpass/contracts';
import { IconComponent, type IconName } from './icon.component';
import { tokenOrigin, tokenScopeText } from './token-client';
import { tokenStatusLabel } from './token-status';
import { TzDatePipe } from './tz-date.pipe';

/** The columns a token table can show. */
export type TokenColumn =
  'owner' | 'label' | 'scope' | 'createdAt' | 'expiresAt' | 'status' | 'lastUsedAt' | 'actions';

/** A token as the table shows it; the owner column needs `owner`. */
export type TokenRow = Token & { owner?: UserRef };

interface TokenAction {
  icon: IconName;
  /** The tooltip; with the token's label after `ariaPrefix`, the accessible name. */
  name: string;
  ariaPrefix: string;
  offered: (token: Token) => boolean;
  run: (token: Token) => void;
}

/**
 * Token metadata (never a value) in a Material table, dates in the given time zone: its scope,
 * where its last use (and last rejected use) came from, and a "Leaked" badge for a token
 * secret scanning found. The actions column offers only what the token's status allows and
 * leaves the doing to the page.
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
  protected readonly scopeText = tokenScopeText;
  protected readonly origin = tokenOrigin;
  /** Edit and revoke need a working token; an expired one can still be rotated. */
  protected readonly actions: readonly TokenAction[] = [
    {
      icon: 'edit',
      name: 'Edit label',
      ariaPrefix: 'Edit label of ',
      offered: (t) => t.status === 'active',
      run: (t) => this.editLabel.emit(t),
    },
    {
      icon: 'rotate',
      name: 'Rotate',
      ariaPrefix: 'Rotate ',
      offered: (t) => t.status !== 'revoked',
      run: (t) => this.rotate.emit(t),
    },
    {
      icon: 'revoke',
      name: 'Revoke',
      ariaPrefix: 'Revoke ',
      offered: (t) => t.status === 'active',
      run: (t) => this.revoke.emit(t),
    },
  ];
  /** Keeps rows (and the focus in them) across reloads of the list. */
  protected readonly trackById = (_index: number, token: TokenRow) => token.id;
}
