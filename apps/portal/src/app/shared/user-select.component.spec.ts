import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { FormControl } from '@angular/forms';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { ADMIN, apiError, summary, USER } from '../../testing/fixtures';
import { UserSelectComponent } from './user-select.component';

describe('UserSelectComponent', () => {
  let fixture: ComponentFixture<UserSelectComponent>;
  let http: HttpTestingController;
  const control = new FormControl('', { nonNullable: true });

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UserSelectComponent);
    fixture.componentRef.setInput('control', control);
    fixture.componentRef.setInput('label', 'Owner');
    TestBed.tick();
  });

  afterEach(() => http.verify());

  it('offers all users and each user of the tenant, and sets the control to the id', async () => {
    http.expectOne('/api/admin/users').flush({ items: [summary(ADMIN), summary(USER)] });
    await fixture.whenStable();
    const loader = TestbedHarnessEnvironment.loader(fixture);
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Owner' }));
    const select = (await field.getControl(MatSelectHarness))!;
    expect(await select.getValueText()).toBe('All users');
    await select.open();
    expect(await Promise.all((await select.getOptions()).map((o) => o.getText()))).toEqual([
      'All users',
      'Ada Admin (demo-admin)',
      'Uma User (demo-user)',
    ]);
    await select.clickOptions({ text: 'Uma User (demo-user)' });
    expect(control.value).toBe(USER.id);
  });

  it('tells the page why the users could not be loaded', async () => {
    http
      .expectOne('/api/admin/users')
      .flush(...apiError(503, 'unavailable', 'The database is not reachable.'));
    await fixture.whenStable();
    expect(fixture.componentInstance.loadError()).toBe('The database is not reachable.');
  });

  it('can leave deactivated users out and name the empty choice', async () => {
    fixture.componentRef.setInput('emptyLabel', 'Choose a user');
    fixture.componentRef.setInput('activeOnly', true);
    http
      .expectOne('/api/admin/users')
      .flush({ items: [summary(ADMIN), summary(USER, { status: 'deactivated' })] });
    await fixture.whenStable();
    const select = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatSelectHarness);
    await select.open();
    expect(await Promise.all((await select.getOptions()).map((o) => o.getText()))).toEqual([
      'Choose a user',
      'Ada Admin (demo-admin)',
    ]);
  });
});
