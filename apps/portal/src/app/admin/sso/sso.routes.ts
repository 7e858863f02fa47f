import { Routes } from '@angular/router';
import { SsoSettingsPage } from './sso-settings.page';

export default [
  { path: '', title: 'Single sign-on · feedpass', component: SsoSettingsPage },
] satisfies Routes;
