import { Routes } from '@angular/router';
import { ForgotPasswordPage } from './forgot-password.page';

export default [
  { path: '', title: 'Forgotten password · feedpass', component: ForgotPasswordPage },
] satisfies Routes;
