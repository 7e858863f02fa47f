import { Routes } from '@angular/router';
import { AdminDataSourcesPage } from './admin-data-sources.page';

export default [
  { path: '', title: 'Data Source Inventory · feedpass', component: AdminDataSourcesPage },
] satisfies Routes;
