import { Routes } from '@angular/router';
import { adminGuard, anyVisitorGuard, authGuard, guestGuard } from './core/auth.guards';

export const routes: Routes = [
  { path: 'login', canActivate: [guestGuard], loadChildren: () => import('./login/login.routes') },
  {
    path: 'forgot-password',
    canActivate: [guestGuard],
    loadChildren: () => import('./forgot-password/forgot-password.routes'),
  },
  {
    path: 'reset-password',
    canActivate: [anyVisitorGuard],
    loadChildren: () => import('./reset-password/reset-password.routes'),
  },
  {
    path: 'accept-invite',
    canActivate: [anyVisitorGuard],
    loadChildren: () => import('./accept-invite/accept-invite.routes'),
  },
  {
    path: 't/:slug',
    canActivate: [anyVisitorGuard],
    loadChildren: () => import('./tenant-sign-in/tenant-sign-in.routes'),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./layout/shell.component').then((m) => m.ShellComponent),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'tokens' },
      { path: 'tokens', loadChildren: () => import('./tokens/tokens.routes') },
      { path: 'data-sources', loadChildren: () => import('./data-sources/data-sources.routes') },
      { path: 'history', loadChildren: () => import('./history/history.routes') },
      { path: 'profile', loadChildren: () => import('./profile/profile.routes') },
      {
        path: 'admin',
        canActivate: [adminGuard],
        children: [
          { path: '', pathMatch: 'full', redirectTo: 'users' },
          { path: 'policy', loadChildren: () => import('./admin/policy/policy.routes') },
          { path: 'users', loadChildren: () => import('./admin/users/users.routes') },
          { path: 'inventory', loadChildren: () => import('./admin/inventory/inventory.routes') },
          {
            path: 'data-sources',
            loadChildren: () => import('./admin/data-sources/admin-data-sources.routes'),
          },
          { path: 'sso', loadChildren: () => import('./admin/sso/sso.routes') },
        ],
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
