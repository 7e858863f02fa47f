import { Routes } from '@angular/router';
import { AcceptInvitePage } from './accept-invite.page';

export default [
  { path: '', title: 'Accept invitation · feedpass', component: AcceptInvitePage },
] satisfies Routes;
