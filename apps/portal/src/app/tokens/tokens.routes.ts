import { Routes } from '@angular/router';
import { TokensPage } from './tokens.page';

export default [
  { path: '', title: 'Access Tokens · feedpass', component: TokensPage },
] satisfies Routes;
