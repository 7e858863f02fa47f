import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { Token } from '@feedpass/contracts';
import { AuthService } from '../core/auth.service';
import { IconComponent } from '../shared/icon.component';
import { TzDatePipe } from '../shared/tz-date.pipe';

export interface RevealTokenData {
  token: Token;
  /** The secret, shown once: it lives in this dialog and nowhere else. */
  value: string;
}

/** Shows a new token's value the one time it exists in the browser. */
@Component({
  selector: 'fp-reveal-token-dialog',
  imports: [
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatTooltipModule,
    IconComponent,
    TzDatePipe,
  ],
  templateUrl: './reveal-token-dialog.component.html',
  styleUrl: './reveal-token-dialog.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RevealTokenDialogComponent {
  private readonly clipboard = inject(Clipboard);
  private readonly user = inject(AuthService).user;

  protected readonly data = inject<RevealTokenData>(MAT_DIALOG_DATA);
  protected readonly username = computed(() => this.user()?.username ?? '');
  protected readonly timeZone = computed(() => this.user()?.timeZone);
  protected readonly shown = signal(false);
  /** What the last copy did, announced politely. */
  protected readonly copyStatus = signal('');

  protected toggle(): void {
    this.shown.update((shown) => !shown);
  }

  protected copy(what: 'token' | 'username'): void {
    const text = what === 'token' ? this.data.value : this.username();
    const copied = this.clipboard.copy(text);
    this.copyStatus.set(
      copied
        ? what === 'token'
          ? 'Copied the token to the clipboard.'
          : 'Copied the username to the clipboard.'
        : 'Copying failed. Select the text and copy it yourself.',
    );
  }
}
