import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatNavListHarness } from '@angular/material/list/testing';
import { provideRouter, Router } from '@angular/router';
import type { CurrentUser } from '@feedpass/contracts';
import { ADMIN, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { ShellComponent } from './shell.component';

describe('ShellComponent', () => {
  let fixture: ComponentFixture<ShellComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(user: CurrentUser): Promise<void> {
    TestBed.configureTestingModule({
      imports: [ShellComponent],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    TestBed.inject(AuthService).login({ username: user.username, password: 'pw' }).subscribe();
    http.expectOne('/api/auth/login').flush({ user });
    fixture = TestBed.createComponent(ShellComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const navigation = async () => {
    const items = await (await loader.getHarness(MatNavListHarness)).getItems();
    return Promise.all(items.map(async (item) => [await item.getFullText(), await item.getHref()]));
  };

  it('shows admins every page, in order', async () => {
    await render(ADMIN);
    expect(await navigation()).toEqual([
      ['Access Tokens', '/tokens'],
      ['Data Sources', '/data-sources'],
      ['History', '/history'],
      ['Profile', '/profile'],
      ['Token Expiry Policy', '/admin/policy'],
      ['Users', '/admin/users'],
      ['Token Inventory', '/admin/inventory'],
      ['Data Source Inventory', '/admin/data-sources'],
      ['Single sign-on', '/admin/sso'],
    ]);
  });

  it('shows users only their own pages', async () => {
    await render(USER);
    expect((await navigation()).map(([label]) => label)).toEqual([
      'Access Tokens',
      'Data Sources',
      'History',
      'Profile',
    ]);
  });

  it('shows who is signed in and signs out', async () => {
    await render(USER);
    const navigateByUrl = jest
      .spyOn(TestBed.inject(Router), 'navigateByUrl')
      .mockResolvedValue(true);
    expect(fixture.nativeElement.querySelector('mat-toolbar').textContent).toContain('Uma User');

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign out' }))).click();
    const req = http.expectOne('/api/auth/logout');
    expect(req.request.method).toBe('POST');
    req.flush(null, { status: 204, statusText: 'No Content' });

    expect(TestBed.inject(AuthService).user()).toBeNull();
    expect(navigateByUrl).toHaveBeenCalledWith('/login');
  });
});
