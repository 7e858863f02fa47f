import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { SessionInfo } from '@feedpass/contracts';
import { apiError, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { BROWSER_TIME_ZONE } from '../shared/time-zone-field.component';
import { ProfilePage } from './profile.page';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

function session(extra: Partial<SessionInfo>): SessionInfo {
  return {
    id: 's-1',
    createdAt: '2024-03-01T23:30:00Z',
    lastSeenAt: '2024-03-02T01:00:00Z',
    expiresAt: '2024-03-15T23:30:00Z',
    userAgent: FIREFOX,
    ip: '203.0.113.7',
    current: false,
    ...extra,
  };
}

describe('ProfilePage', () => {
  let fixture: ComponentFixture<ProfilePage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  let auth: AuthService;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [ProfilePage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: BROWSER_TIME_ZONE, useValue: 'Europe/Berlin' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
    // Signed in as Uma, whose zone is Asia/Tokyo.
    const me = auth.ensureLoaded();
    http.expectOne('/api/auth/me').flush(USER);
    await me;

    fixture = TestBed.createComponent(ProfilePage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    TestBed.tick();
    http.expectOne('/api/auth/sessions').flush({
      items: [
        session({ id: 's-other', userAgent: SAFARI, ip: '198.51.100.2' }),
        session({ id: 's-here', current: true, lastSeenAt: '2024-03-01T23:45:00Z' }),
      ],
    });
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const field = (label: string) =>
    loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const type = async (label: string, value: string) =>
    ((await (await field(label)).getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  const click = async (text: string) =>
    (await loader.getHarness(MatButtonHarness.with({ text }))).click();
  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';

  describe('name and time zone', () => {
    it('starts from the signed-in user’s own', async () => {
      const name = (await (
        await field('Display name')
      ).getControl(MatInputHarness)) as MatInputHarness;
      expect(await name.getValue()).toBe('Uma User');
      expect(await (await loader.getHarness(MatAutocompleteHarness)).getValue()).toBe('Asia/Tokyo');
    });

    it('saves only what changed and shows the new name across the portal', async () => {
      await type('Display name', 'Uma Q. User');
      await click('Save');

      const req = http.expectOne('/api/auth/me');
      expect(req.request.method).toBe('PATCH');
      expect(req.request.body).toEqual({ displayName: 'Uma Q. User' });
      req.flush({ ...USER, displayName: 'Uma Q. User' });
      await fixture.whenStable();

      expect(auth.user()?.displayName).toBe('Uma Q. User');
      expect(text()).toContain('Saved.');
    });

    it('saves the browser’s zone when the user takes the suggestion', async () => {
      await click('Use Europe/Berlin (this browser’s time zone)');
      await click('Save');
      const req = http.expectOne('/api/auth/me');
      expect(req.request.body).toEqual({ timeZone: 'Europe/Berlin' });
      req.flush({ ...USER, timeZone: 'Europe/Berlin' });
      await fixture.whenStable();
      expect(auth.user()?.timeZone).toBe('Europe/Berlin');
    });

    it('does not save a time zone that is not in the list', async () => {
      const zone = await loader.getHarness(MatAutocompleteHarness);
      await zone.clear();
      await zone.enterText('Tokyo, I think');
      await click('Save');
      http.expectNone('/api/auth/me');
      expect(text()).toContain('Choose a time zone from the list.');
    });

    it('shows the API’s message when saving fails', async () => {
      await type('Display name', 'Uma');
      await click('Save');
      http
        .expectOne('/api/auth/me')
        .flush(...apiError(400, 'validation_failed', 'displayName must be shorter'));
      await fixture.whenStable();
      expect(text()).toContain('displayName must be shorter');
      expect(text()).not.toContain('Saved.');
      expect(auth.user()?.displayName).toBe('Uma User');
    });
  });

  describe('password', () => {
    async function change(current: string, next: string, confirm = next): Promise<void> {
      await type('Current password', current);
      await type('New password', next);
      await type('Confirm new password', confirm);
      await click('Change password');
    }

    it('changes it, says the other sessions were signed out and lists what is left', async () => {
      await change('old-password-123', 'correct-horse-battery');
      const req = http.expectOne('/api/auth/password');
      expect(req.request.method).toBe('POST');
      expect(req.request.body).toEqual({
        currentPassword: 'old-password-123',
        newPassword: 'correct-horse-battery',
      });
      req.flush(null, { status: 204, statusText: 'No Content' });
      TestBed.tick();
      http
        .expectOne('/api/auth/sessions')
        .flush({ items: [session({ id: 's-here', current: true })] });
      await fixture.whenStable();

      expect(text()).toContain('Password changed. Your other sessions were signed out.');
      const rows = await (await loader.getHarness(MatTableHarness)).getRows();
      expect(rows.length).toBe(1);
      const current = (await field('Current password')).getControl(MatInputHarness);
      expect(await ((await current) as MatInputHarness).getValue()).toBe('');
    });

    it('shows a wrong current password under that field', async () => {
      await change('not-my-password', 'correct-horse-battery');
      http
        .expectOne('/api/auth/password')
        .flush(...apiError(400, 'wrong_password', 'The current password is wrong.'));
      await fixture.whenStable();
      expect(await (await field('Current password')).getTextErrors()).toEqual([
        'The current password is wrong.',
      ]);
      expect(text()).not.toContain('Password changed.');
    });

    it('shows a weak new password under that field', async () => {
      await change('old-password-123', 'correct-horse-battery');
      http
        .expectOne('/api/auth/password')
        .flush(...apiError(400, 'weak_password', 'newPassword must be 12 to 256 characters'));
      await fixture.whenStable();
      expect(await (await field('New password')).getTextErrors()).toEqual([
        'newPassword must be 12 to 256 characters',
      ]);
    });

    it('does not post a confirmation that differs', async () => {
      await change('old-password-123', 'correct-horse-battery', 'correct-horse-batter');
      http.expectNone('/api/auth/password');
      expect(await (await field('Confirm new password')).getTextErrors()).toEqual([
        'The passwords do not match.',
      ]);
    });
  });

  describe('sessions', () => {
    it('lists them, this one first and marked, in the user’s time zone', async () => {
      const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
      expect(cells['device'].text).toEqual(['Firefox on Windows (this session)', 'Safari on iOS']);
      expect(cells['ip'].text).toEqual(['203.0.113.7', '198.51.100.2']);
      // 2024-03-01T23:30Z is already 2 March in Tokyo.
      expect(cells['createdAt'].text[0].replace(/\s/g, ' ')).toBe('Mar 2, 2024, 8:30 AM');
      expect(cells['actions'].text).toEqual(['', 'Sign out']);
    });

    it('signs out another session and drops it from the list', async () => {
      await click('Sign out');
      const req = http.expectOne('/api/auth/sessions/s-other');
      expect(req.request.method).toBe('DELETE');
      req.flush(null, { status: 204, statusText: 'No Content' });
      await fixture.whenStable();
      const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
      expect(cells['device'].text).toEqual(['Firefox on Windows (this session)']);
    });

    it('keeps the session and shows why when signing it out fails', async () => {
      await click('Sign out');
      http
        .expectOne('/api/auth/sessions/s-other')
        .flush(...apiError(404, 'not_found', 'That session does not exist.'));
      await fixture.whenStable();
      expect(text()).toContain('That session does not exist.');
      expect((await (await loader.getHarness(MatTableHarness)).getRows()).length).toBe(2);
    });
  });
});
