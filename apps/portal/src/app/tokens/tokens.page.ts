import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router } from '@angular/router';
import { MAX_ACTIVE_TOKENS, type CreatedToken, type Token } from '@feedpass/contracts';
import { filter, switchMap } from 'rxjs';
import { apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { ConfirmDialogComponent, ConfirmDialogData } from '../shared/confirm-dialog.component';
import { IconComponent } from '../shared/icon.component';
import { tokenStatusLabel } from '../shared/token-status';
import { TzDatePipe } from '../shared/tz-date.pipe';
import { CreateTokenDialogComponent } from './create-token-dialog.component';
import { EditLabelDialogComponent } from './edit-label-dialog.component';
import { RevealTokenData, RevealTokenDialogComponent } from './reveal-token-dialog.component';
import { TokensService } from './tokens.service';

@Component({
  selector: 'fp-tokens-page',
  imports: [
    MatButtonModule,
    MatTableModule,
    MatProgressBarModule,
    MatTooltipModule,
    IconComponent,
    TzDatePipe,
  ],
  templateUrl: './tokens.page.html',
  styleUrl: './tokens.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokensPage {
  private readonly api = inject(TokensService);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  /** `?rotate=<tokenId>`: the expiry emails link here to rotate that token. */
  readonly rotate = input<string>();

  protected readonly me = inject(AuthService).user;
  protected readonly statusLabel = tokenStatusLabel;
  protected readonly columns = [
    'label',
    'createdAt',
    'expiresAt',
    'status',
    'lastUsedAt',
    'actions',
  ];
  protected readonly tokens = signal<Token[]>([]);
  protected readonly activeCount = signal(0);
  protected readonly maxActive = signal(MAX_ACTIVE_TOKENS);
  protected readonly loading = signal(true);
  protected readonly loaded = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly atLimit = computed(() => this.activeCount() >= this.maxActive());

  private deepLinkHandled = false;

  /** Keeps rows (and the focus in them) across reloads of the list. */
  protected readonly trackById = (_index: number, token: Token) => token.id;

  constructor() {
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.api.list().subscribe({
      next: ({ items, activeCount, maxActive }) => {
        this.tokens.set(items);
        this.activeCount.set(activeCount);
        this.maxActive.set(maxActive);
        this.loading.set(false);
        this.loaded.set(true);
        this.openDeepLink(items);
      },
      error: (err: unknown) => {
        this.error.set(apiErrorMessage(err));
        this.loading.set(false);
      },
    });
  }

  protected openCreate(): void {
    if (this.atLimit()) return;
    this.dialog
      .open(CreateTokenDialogComponent, { width: '520px', autoFocus: 'first-tabbable' })
      .afterClosed()
      .pipe(filter((created): created is CreatedToken => !!created))
      .subscribe(({ token, value }) => {
        this.error.set(null);
        this.reveal({ token, value });
        this.load();
      });
  }

  protected editLabel(token: Token): void {
    this.dialog
      .open<EditLabelDialogComponent, Token, Token>(EditLabelDialogComponent, {
        data: token,
        width: '480px',
      })
      .afterClosed()
      .pipe(filter((updated): updated is Token => !!updated))
      .subscribe((updated) => {
        this.tokens.update((tokens) => tokens.map((t) => (t.id === updated.id ? updated : t)));
        this.snackBar.open(`Renamed to ${updated.label}.`, undefined, { duration: 4000 });
      });
  }

  protected rotateToken(token: Token): void {
    this.confirm({
      title: `Rotate ${token.label}?`,
      message:
        `feedpass creates a replacement token with the same label and a fresh expiry under the ` +
        `current policy, shows it to you once, and revokes “${token.label}” at once. ` +
        `Power BI refreshes that use the old token fail until you paste the new one into the ` +
        `data source credentials in Power BI Desktop and the Power BI service.`,
      confirm: 'Rotate',
    })
      .pipe(switchMap(() => this.api.rotate(token.id)))
      .subscribe({
        next: ({ token: replacement, value }) => {
          this.error.set(null);
          this.reveal({ token: replacement, value });
          this.load();
        },
        error: (err: unknown) => {
          this.error.set(apiErrorMessage(err));
          this.load();
        },
      });
  }

  protected revoke(token: Token): void {
    this.confirm({
      title: `Revoke ${token.label}?`,
      message:
        `Anything that uses “${token.label}”, such as a Power BI refresh, stops working at once. ` +
        `This cannot be undone.`,
      confirm: 'Revoke',
    })
      .pipe(switchMap(() => this.api.revoke(token.id)))
      .subscribe({
        next: (revoked) => {
          this.error.set(null);
          this.snackBar.open(`Revoked ${revoked.label}.`, undefined, { duration: 4000 });
          this.load();
        },
        error: (err: unknown) => this.error.set(apiErrorMessage(err)),
      });
  }

  protected revokeAll(): void {
    const n = this.activeCount();
    this.confirm({
      title: 'Revoke all active tokens?',
      message:
        `All ${n} active ${n === 1 ? 'token stops' : 'tokens stop'} working at once, ` +
        `and every Power BI refresh that uses them fails. This cannot be undone.`,
      confirm: 'Revoke all',
    })
      .pipe(switchMap(() => this.api.revokeAll()))
      .subscribe({
        next: ({ revoked }) => {
          this.error.set(null);
          this.snackBar.open(
            `Revoked ${revoked} ${revoked === 1 ? 'token' : 'tokens'}.`,
            undefined,
            {
              duration: 4000,
            },
          );
          this.load();
        },
        error: (err: unknown) => this.error.set(apiErrorMessage(err)),
      });
  }

  private confirm(data: ConfirmDialogData) {
    return this.dialog
      .open<ConfirmDialogComponent, ConfirmDialogData, boolean>(ConfirmDialogComponent, {
        data,
        width: '480px',
      })
      .afterClosed()
      .pipe(filter(Boolean));
  }

  /** The value goes into the dialog's data and nowhere else; closing the dialog drops it. */
  private reveal(data: RevealTokenData): void {
    this.dialog.open(RevealTokenDialogComponent, {
      data,
      width: '560px',
      disableClose: true,
      autoFocus: 'first-tabbable',
    });
  }

  private openDeepLink(items: Token[]): void {
    const id = this.rotate();
    if (this.deepLinkHandled || !id) return;
    this.deepLinkHandled = true;
    // Drop the parameter so that a reload or Back does not ask again.
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { rotate: null },
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
    const token = items.find((t) => t.id === id);
    if (!token) {
      this.error.set('The token from your link was not found among your tokens.');
    } else if (token.status === 'revoked') {
      this.error.set(
        `${token.label} is revoked (perhaps already rotated), so it cannot be rotated. ` +
          `Create a new token instead.`,
      );
    } else {
      this.rotateToken(token);
    }
  }
}
