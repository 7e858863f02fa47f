import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { SsoButton } from '@feedpass/contracts';
import { ssoButtonText } from './sso-sign-in';

/**
 * A tenant's single sign-on button. It is a plain link: the whole window goes to the API's
 * `startUrl`, which redirects to the identity provider (never an XHR).
 */
@Component({
  selector: 'fp-sso-button',
  imports: [MatButtonModule],
  template: `<a mat-flat-button class="sso" [href]="sso().startUrl">{{ text() }}</a>`,
  styles: `
    :host {
      display: block;
    }
    .sso {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SsoButtonComponent {
  readonly sso = input.required<SsoButton>();
  protected readonly text = computed(() => ssoButtonText(this.sso().displayName));
}
