import { Routes } from '@angular/router';
import { ProfilePage } from './profile.page';

export default [{ path: '', title: 'Profile · feedpass', component: ProfilePage }] satisfies Routes;
