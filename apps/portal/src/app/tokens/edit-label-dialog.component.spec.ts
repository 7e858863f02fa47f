import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { apiError, token } from '../../testing/fixtures';
import { EditLabelDialogComponent } from './edit-label-dialog.component';

describe('EditLabelDialogComponent', () => {
  let fixture: ComponentFixture<EditLabelDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  beforeEach(async () => {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [EditLabelDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: token({ id: 't-1', label: 'Laptop' }) },
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(EditLabelDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const field = () => loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Label' }));
  const input = () => loader.getHarness(MatInputHarness);
  const save = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();

  it('starts from the current label and sends the new one trimmed', async () => {
    expect(await (await input()).getValue()).toBe('Laptop');
    await (await input()).setValue('  Work laptop  ');
    await save();
    const req = http.expectOne('/api/tokens/t-1');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ label: 'Work laptop' });
    const updated = token({ id: 't-1', label: 'Work laptop' });
    req.flush(updated);
    expect(close).toHaveBeenCalledWith(updated);
  });

  it('closes without a request when the label did not change', async () => {
    await (await input()).setValue(' Laptop ');
    await save();
    http.expectNone('/api/tokens/t-1');
    expect(close).toHaveBeenCalledWith();
  });

  it('refuses an empty or over-long label', async () => {
    await (await input()).setValue('   ');
    await save();
    expect(await (await field()).getTextErrors()).toEqual(['Enter a label.']);
    await (await input()).setValue('x'.repeat(101));
    await save();
    expect(await (await field()).getTextErrors()).toEqual(['At most 100 characters.']);
    http.expectNone('/api/tokens/t-1');
  });

  it('shows the API’s message and stays open', async () => {
    await (await input()).setValue('Desk');
    await save();
    http
      .expectOne('/api/tokens/t-1')
      .flush(...apiError(404, 'not_found', 'That token does not exist.'));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'That token does not exist.',
    );
    expect(close).not.toHaveBeenCalled();
  });
});
