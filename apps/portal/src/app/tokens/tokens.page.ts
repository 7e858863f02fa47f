import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { ActivatedRoute, Router } from '@angular/router';
import { MAX_ACTIVE_TOKENS, type CreatedToken, type Token } from '@feedpass/contracts';
import { filter, switchMap } from 'rxjs';
import { AuthService } from '../core/auth.service';
import type { ConfirmDialogData } from '../shared/confirm-dialog.component';
import { ConfirmService } from '../shared/confirm.service';
import { errorLine, lastValue } from '../shared/resource-state';
import { TokenColumn, TokenTableComponent } from '../shared/token-table.component';
import { CreateTokenDialogComponent } from './create-token-dialog.component';
import { EditLabelDialogComponent } from './edit-label-dialog.component';
import { RevealTokenData, RevealTokenDialogComponent } from './reveal-token-dialog.component';
import { TokensService } from './tokens.service';

@Component({
  selector: 'fp-tokens-page',
  imports: [MatButtonModule, MatProgressBarModule, TokenTableComponent],
  templateUrl: './tokens.page.html',
  styleUrl: './tokens.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokensPage {
  private readonly api = inject(TokensService);
  private readonly dialog = inject(MatDialog);
  private readonly confirm = inject(ConfirmService);
  private readonly snackBar = inject(MatSnackBar);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  /** `?rotate=<tokenId>`: the expiry emails link here to rotate that token. */
  readonly rotate = input<string>();

  protected readonly me = inject(AuthService).user;
  protected readonly columns: TokenColumn[] = [
    'label',
    'scope',
    'createdAt',
    'expiresAt',
    'status',
    'lastUsedAt',
    'actions',
  ];
  private readonly list = this.api.listResource();
  private readonly shown = lastValue(this.list);
  protected readonly tokens = computed(() => this.shown()?.items ?? []);
  protected readonly activeCount = computed(() => this.shown()?.activeCount ?? 0);
  protected readonly maxActive = computed(() => this.shown()?.maxActive ?? MAX_ACTIVE_TOKENS);
  protected readonly loading = this.list.isLoading;
  protected readonly loaded = computed(() => this.shown() !== undefined);
  /** What the last action ran into, else why the list failed to load. */
  private readonly errors = errorLine(this.list);
  protected readonly error = this.errors.message;
  protected readonly atLimit = computed(() => this.activeCount() >= this.maxActive());

  private deepLinkHandled = false;

  constructor() {
    effect(() => {
      const items = this.list.hasValue() ? this.list.value().items : undefined;
      if (items) untracked(() => this.openDeepLink(items));
    });
  }

  private load(): void {
    this.list.reload();
  }

  protected openCreate(): void {
    if (this.atLimit()) return;
    this.dialog
      .open(CreateTokenDialogComponent, { width: '520px', autoFocus: 'first-tabbable' })
      .afterClosed()
      .pipe(filter((created): created is CreatedToken => !!created))
      .subscribe(({ token, value }) => {
        this.errors.set(null);
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
        this.list.update(
          (list) =>
            list && { ...list, items: list.items.map((t) => (t.id === updated.id ? updated : t)) },
        );
        this.snackBar.open(`Renamed to ${updated.label}.`, undefined, { duration: 4000 });
      });
  }

  protected rotateToken(token: Token): void {
    this.ask({
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
          this.errors.set(null);
          this.reveal({ token: replacement, value });
          this.load();
        },
        error: (err: unknown) => {
          this.errors.fail(err);
          this.load();
        },
      });
  }

  protected revoke(token: Token): void {
    this.ask({
      title: `Revoke ${token.label}?`,
      message:
        `Anything that uses “${token.label}”, such as a Power BI refresh, stops working at once. ` +
        `This cannot be undone.`,
      confirm: 'Revoke',
    })
      .pipe(switchMap(() => this.api.revoke(token.id)))
      .subscribe({
        next: (revoked) => {
          this.errors.set(null);
          this.snackBar.open(`Revoked ${revoked.label}.`, undefined, { duration: 4000 });
          this.load();
        },
        error: (err: unknown) => this.errors.fail(err),
      });
  }

  protected revokeAll(): void {
    const n = this.activeCount();
    this.ask({
      title: 'Revoke all active tokens?',
      message:
        `All ${n} active ${n === 1 ? 'token stops' : 'tokens stop'} working at once, ` +
        `and every Power BI refresh that uses them fails. This cannot be undone.`,
      confirm: 'Revoke all',
    })
      .pipe(switchMap(() => this.api.revokeAll()))
      .subscribe({
        next: ({ revoked }) => {
          this.errors.set(null);
          this.snackBar.open(
            `Revoked ${revoked} ${revoked === 1 ? 'token' : 'tokens'}.`,
            undefined,
            {
              duration: 4000,
            },
          );
          this.load();
        },
        error: (err: unknown) => this.errors.fail(err),
      });
  }

  private ask(question: ConfirmDialogData) {
    return this.confirm.ask(question, { width: '480px' });
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
      this.errors.set('The token from your link was not found among your tokens.');
    } else if (token.status === 'revoked') {
      this.errors.set(
        `${token.label} is revoked (perhaps already rotated), so it cannot be rotated. ` +
          `Create a new token instead.`,
      );
    } else {
      this.rotateToken(token);
    }
  }
}
