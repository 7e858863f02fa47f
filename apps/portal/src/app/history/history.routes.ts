import { Routes } from '@angular/router';
import { HistoryEventsPage } from './history.page';

export default [
  { path: '', title: 'History · feedpass', component: HistoryEventsPage },
] satisfies Routes;
