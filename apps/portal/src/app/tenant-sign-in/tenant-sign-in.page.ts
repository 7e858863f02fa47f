import { HttpErrorResponse, httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import type { TenantSignIn } from '@feedpass/contracts';
import { apiErrorCode, apiErrorMessage } from '../core/api-error';
import { AuthService } from '../core/auth.service';
import { SignInOptionsService } from '../core/sign-in-options.service';
import { AuthCardComponent } from '../shared/auth-card.component';
import { SsoButtonComponent } from '../shared/sso-button.component';
import { submission } from '../shared/submission';
import { SSO_REQUIRED_MESSAGE } from '../shared/sso-sign-in';

/** `/t/{slug}`: a tenant's own sign-in page, with its SSO button and, if allowed, passwords. */
@Component({
  selector: 'fp-tenant-sign-in-page',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    AuthCardComponent,
    SsoButtonComponent,
  ],
  templateUrl: './tenant-sign-in.page.html',
  styleUrl: './tenant-sign-in.page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TenantSignInPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly options = inject(SignInOptionsService);

  /** The tenant's slug (route parameter). */
  readonly slug = input.required<string>();

  private readonly loaded = httpResource<TenantSignIn>(() => this.options.tenantUrl(this.slug()));
  protected readonly tenant = computed(() => (this.loaded.hasValue() ? this.loaded.value() : null));
  protected readonly loading = this.loaded.isLoading;
  protected readonly notFound = computed(() => {
    const error = this.loaded.error();
    return error instanceof HttpErrorResponse && error.status === 404;
  });
  protected readonly loadError = computed(() => {
    const error = this.loaded.error();
    return error && !this.notFound() ? apiErrorMessage(error) : null;
  });
  protected readonly heading = computed(() =>
    this.notFound() ? 'No such organisation' : (this.tenant()?.name ?? 'Sign in'),
  );

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });
  protected readonly save = submission();

  protected submit(): void {
    if (this.form.invalid || this.save.pending()) {
      this.form.markAllAsTouched();
      return;
    }
    this.save.send(
      this.auth.login(this.form.getRawValue()),
      () => void this.router.navigateByUrl('/tokens'),
      (err) => {
        if (apiErrorCode(err) !== 'sso_required') return apiErrorMessage(err);
        this.loaded.reload();
        return SSO_REQUIRED_MESSAGE;
      },
    );
  }
}
