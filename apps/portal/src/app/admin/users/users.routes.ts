import { Routes } from '@angular/router';
import { UsersPage } from './users.page';

export default [{ path: '', title: 'Users · feedpass', component: UsersPage }] satisfies Routes;
