import { Routes } from '@angular/router';
import { ExpiryPolicyPage } from './policy.page';

export default [
  { path: '', title: 'Token Expiry Policy · feedpass', component: ExpiryPolicyPage },
] satisfies Routes;
