import { Routes } from '@angular/router';
import { LoginPage } from './login.page';

export default [{ path: '', title: 'Sign in · feedpass', component: LoginPage }] satisfies Routes;
