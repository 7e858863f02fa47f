import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl } from '@angular/forms';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { DISPLAY_NAME_MAX } from '@feedpass/contracts';
import { DisplayNameFieldComponent, displayNameValidators } from './display-name-field.component';

@Component({
  imports: [DisplayNameFieldComponent],
  template: '<fp-display-name-field [control]="control" autocomplete="name" />',
})
class HostComponent {
  readonly control = new FormControl('Ada', {
    nonNullable: true,
    validators: displayNameValidators,
  });
}

describe('DisplayNameFieldComponent', () => {
  let host: HostComponent;
  let loader: HarnessLoader;

  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [HostComponent] });
    const fixture = TestBed.createComponent(HostComponent);
    host = fixture.componentInstance;
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  const field = () =>
    loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Display name' }));
  const input = () => loader.getHarness(MatInputHarness);

  it('edits its control, and offers the browser the name it may know', async () => {
    await (await input()).setValue('Ada Lovelace');
    expect(host.control.value).toBe('Ada Lovelace');
    expect(await (await (await input()).host()).getAttribute('autocomplete')).toBe('name');
  });

  it('says what is wrong with an empty or too long name', async () => {
    await (await input()).setValue('');
    await (await input()).blur();
    expect(await (await field()).getTextErrors()).toEqual(['Enter a display name.']);

    await (await input()).setValue('x'.repeat(DISPLAY_NAME_MAX + 1));
    expect(await (await field()).getTextErrors()).toEqual([
      `At most ${DISPLAY_NAME_MAX} characters.`,
    ]);
    await (await input()).setValue('x'.repeat(DISPLAY_NAME_MAX));
    expect(host.control.valid).toBe(true);
  });
});
