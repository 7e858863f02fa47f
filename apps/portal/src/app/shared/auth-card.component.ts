import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';

/** The card that the pages for signed-out visitors (sign-in, links from emails) sit in. */
@Component({
  selector: 'fp-auth-card',
  imports: [MatCardModule],
  template: `
    <main class="page">
      <mat-card appearance="outlined" class="card">
        <mat-card-header>
          <mat-card-title
            ><h1 class="title">{{ heading() }}</h1></mat-card-title
          >
          @if (subtitle(); as text) {
            <mat-card-subtitle>{{ text }}</mat-card-subtitle>
          }
        </mat-card-header>
        <mat-card-content class="content">
          <ng-content />
        </mat-card-content>
      </mat-card>
    </main>
  `,
  styles: `
    .page {
      min-height: 100vh;
      display: grid;
      place-items: center;
      padding: 16px;
      box-sizing: border-box;
    }
    .card {
      width: min(420px, 100%);
    }
    .title {
      font: var(--mat-sys-headline-small);
      margin: 0;
    }
    .content {
      margin-top: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthCardComponent {
  readonly heading = input.required<string>();
  readonly subtitle = input<string>();
}
