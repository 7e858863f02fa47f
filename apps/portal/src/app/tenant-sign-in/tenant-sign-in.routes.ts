import { Routes } from '@angular/router';
import { TenantSignInPage } from './tenant-sign-in.page';

export default [
  { path: '', title: 'Sign in · feedpass', component: TenantSignInPage },
] satisfies Routes;
