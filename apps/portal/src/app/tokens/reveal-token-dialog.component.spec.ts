import { Clipboard } from '@angular/cdk/clipboard';
import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { token, TOKEN_VALUE, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { RevealTokenData, RevealTokenDialogComponent } from './reveal-token-dialog.component';

describe('RevealTokenDialogComponent', () => {
  let fixture: ComponentFixture<RevealTokenDialogComponent>;
  let loader: HarnessLoader;
  let copy: jest.Mock;

  async function open(data: RevealTokenData): Promise<void> {
    copy = jest.fn().mockReturnValue(true);
    TestBed.configureTestingModule({
      imports: [RevealTokenDialogComponent],
      providers: [
        { provide: MAT_DIALOG_DATA, useValue: data },
        { provide: MatDialogRef, useValue: { close: jest.fn() } },
        { provide: Clipboard, useValue: { copy } },
        { provide: AuthService, useValue: { user: signal(USER) } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    fixture = TestBed.createComponent(RevealTokenDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  }

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const input = async (label: string) =>
    (await (
      await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }))
    ).getControl(MatInputHarness)) as MatInputHarness;
  const labelled = (label: string) =>
    loader.getHarnessOrNull(MatButtonHarness.with({ selector: `[aria-label="${label}"]` }));

  it('masks the value until the eye is pressed, and masks it again on the second press', async () => {
    await open({ token: token(), value: TOKEN_VALUE });
    expect(await fixture.nativeElement.querySelector('h2').textContent).toBe('Copy your new token');
    const field = await input('Token');
    expect(await field.getType()).toBe('password');
    expect(await field.getValue()).toBe(TOKEN_VALUE);
    expect(await field.isReadonly()).toBe(true);
    expect(await labelled('Hide token')).toBeNull();

    await (await labelled('Show token'))!.click();
    expect(await field.getType()).toBe('text');
    expect(await labelled('Show token')).toBeNull();

    await (await labelled('Hide token'))!.click();
    expect(await field.getType()).toBe('password');
  });

  it('copies the value, masked or not, and says so', async () => {
    await open({ token: token(), value: TOKEN_VALUE });
    await (await labelled('Copy token'))!.click();
    expect(copy).toHaveBeenCalledWith(TOKEN_VALUE);
    expect(fixture.nativeElement.querySelector('[role="status"]').textContent).toContain(
      'Copied the token',
    );
  });

  it('says when the browser refused to copy', async () => {
    await open({ token: token(), value: TOKEN_VALUE });
    copy.mockReturnValue(false);
    await (await labelled('Copy token'))!.click();
    expect(fixture.nativeElement.querySelector('[role="status"]').textContent).toContain(
      'Copying failed',
    );
  });

  it('shows and copies the username to use in Power BI', async () => {
    await open({ token: token(), value: TOKEN_VALUE });
    expect(await (await input('Username for Power BI')).getValue()).toBe('demo-user');
    await (await labelled('Copy username'))!.click();
    expect(copy).toHaveBeenCalledWith('demo-user');
  });

  it('warns that the value is not shown again, and states the expiry', async () => {
    await open({ token: token({ expiresAt: '2024-02-01T14:59:59.999Z' }), value: TOKEN_VALUE });
    expect(text()).toContain('This token will not be shown again.');
    expect(text()).toContain('It expires on Feb 1, 2024');
  });
});
