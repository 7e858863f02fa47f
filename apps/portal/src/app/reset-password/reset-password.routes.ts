import { Routes } from '@angular/router';
import { ResetPasswordPage } from './reset-password.page';

export default [
  { path: '', title: 'Set a new password · feedpass', component: ResetPasswordPage },
] satisfies Routes;
