import { Routes } from '@angular/router';
import { DataSourcesPage } from './data-sources.page';

export default [
  { path: '', title: 'Data Sources · feedpass', component: DataSourcesPage },
] satisfies Routes;
