import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Location } from '@angular/common';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { provideRouter, Router } from '@angular/router';
import { apiError, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { AcceptInvitePage } from './accept-invite.page';

const SECRET = '0123456789abcdef'.repeat(4);

describe('AcceptInvitePage', () => {
  let fixture: ComponentFixture<AcceptInvitePage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  let navigateByUrl: jest.SpyInstance;
  let replaceState: jest.SpyInstance;

  function open(hash: string): void {
    window.history.replaceState(null, '', `/accept-invite${hash}`);
    TestBed.configureTestingModule({
      imports: [AcceptInvitePage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    navigateByUrl = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    replaceState = jest.spyOn(TestBed.inject(Location), 'replaceState');
    fixture = TestBed.createComponent(AcceptInvitePage);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  afterEach(() => {
    http.verify();
    window.history.replaceState(null, '', '/');
  });

  const type = async (label: string, value: string) => {
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    await ((await field.getControl(MatInputHarness)) as MatInputHarness).setValue(value);
  };
  async function accept(password: string, confirm = password): Promise<void> {
    await type('Password', password);
    await type('Confirm password', confirm);
    await (
      await loader.getHarness(MatButtonHarness.with({ text: 'Set password and sign in' }))
    ).click();
  }
  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';

  it('sets the password with the secret from the fragment, signs in and goes home', async () => {
    open(`#${SECRET}`);
    expect(replaceState).toHaveBeenCalledWith('/accept-invite');
    await accept('correct-horse-battery');

    const req = http.expectOne('/api/auth/invitations/accept');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ token: SECRET, password: 'correct-horse-battery' });
    req.flush({ user: USER });

    expect(TestBed.inject(AuthService).user()).toEqual(USER);
    expect(navigateByUrl).toHaveBeenCalledWith('/tokens');
  });

  it('does not post passwords that do not match', async () => {
    open(`#${SECRET}`);
    await accept('correct-horse-battery', 'something-else-entirely');
    http.expectNone('/api/auth/invitations/accept');
    expect(text()).toContain('The passwords do not match.');
  });

  it('says an expired or used invitation is no good', async () => {
    open(`#${SECRET}`);
    await accept('correct-horse-battery');
    http
      .expectOne('/api/auth/invitations/accept')
      .flush(...apiError(400, 'invalid_link', 'This link is not valid'));
    await fixture.whenStable();

    expect(text()).toContain('This invitation link has expired or has already been used.');
    expect(text()).toContain('Ask your administrator');
    expect(TestBed.inject(AuthService).user()).toBeNull();
    expect(navigateByUrl).not.toHaveBeenCalled();
  });

  it('says so at once when the link is cut short', async () => {
    open('#0123abc');
    await fixture.whenStable();
    expect(text()).toContain('This invitation link has expired or has already been used.');
    http.expectNone('/api/auth/invitations/accept');
  });
});
