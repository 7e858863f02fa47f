import { Routes } from '@angular/router';
import { TokenInventoryPage } from './inventory.page';

export default [
  { path: '', title: 'Token Inventory · feedpass', component: TokenInventoryPage },
] satisfies Routes;
