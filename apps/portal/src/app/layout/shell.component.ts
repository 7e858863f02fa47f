import { BreakpointObserver, Breakpoints } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { AuthService } from '../core/auth.service';

interface NavItem {
  label: string;
  path: string;
}

const NAV: NavItem[] = [
  { label: 'Access Tokens', path: '/tokens' },
  { label: 'Data Sources', path: '/data-sources' },
  { label: 'History', path: '/history' },
  { label: 'Profile', path: '/profile' },
];

const ADMIN_NAV: NavItem[] = [
  { label: 'Token Expiry Policy', path: '/admin/policy' },
  { label: 'Users', path: '/admin/users' },
  { label: 'Token Inventory', path: '/admin/inventory' },
  { label: 'Data Source Inventory', path: '/admin/data-sources' },
  { label: 'Single sign-on', path: '/admin/sso' },
];

/** The signed-in frame: toolbar, left navigation and the current page. */
@Component({
  selector: 'fp-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatSidenavModule,
    MatToolbarModule,
    MatListModule,
    MatButtonModule,
  ],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShellComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  protected readonly user = this.auth.user;
  protected readonly nav = computed(() => (this.auth.isAdmin() ? [...NAV, ...ADMIN_NAV] : NAV));
  protected readonly handset = toSignal(
    inject(BreakpointObserver)
      .observe(Breakpoints.Handset)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );

  protected signOut(): void {
    // Leave even if the server call fails: the user asked to be signed out here.
    this.auth.logout().subscribe({
      complete: () => void this.router.navigateByUrl('/login'),
      error: () => {
        this.auth.clear();
        void this.router.navigateByUrl('/login');
      },
    });
  }
}
