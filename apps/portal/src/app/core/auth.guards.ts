import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { AuthService } from './auth.service';

/** Lets signed-in users through; sends everyone else to sign in, remembering where they were going. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  const user = auth.user() ?? (await auth.ensureLoaded());
  return user ? true : router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Admin pages: other users land on their own tokens. */
export const adminGuard: CanActivateFn = () =>
  inject(AuthService).isAdmin() ? true : inject(Router).createUrlTree(['/tokens']);

/** The sign-in page is for signed-out visitors; asking `/me` also hands the browser its XSRF cookie. */
export const guestGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  const user = await auth.ensureLoaded();
  return user ? router.createUrlTree(['/tokens']) : true;
};

/**
 * Pages anyone may open (forgotten password, links from emails): asks `/me` once, which hands
 * the browser its XSRF cookie for the page's `POST`, and lets every visitor through.
 */
export const anyVisitorGuard: CanActivateFn = async () => {
  await inject(AuthService).ensureLoaded();
  return true;
};
