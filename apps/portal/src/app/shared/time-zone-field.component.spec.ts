import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FormControl, Validators } from '@angular/forms';
import { MatAutocompleteHarness } from '@angular/material/autocomplete/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import {
  BROWSER_TIME_ZONE,
  knownTimeZone,
  TimeZoneFieldComponent,
} from './time-zone-field.component';

@Component({
  imports: [TimeZoneFieldComponent],
  template: '<fp-time-zone-field [control]="control" />',
})
class HostComponent {
  readonly control = new FormControl('UTC', {
    nonNullable: true,
    validators: [Validators.required, knownTimeZone],
  });
}

describe('TimeZoneFieldComponent', () => {
  let host: HostComponent;
  let loader: HarnessLoader;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [HostComponent],
      providers: [{ provide: BROWSER_TIME_ZONE, useValue: 'Europe/Berlin' }],
    });
    const fixture = TestBed.createComponent(HostComponent);
    host = fixture.componentInstance;
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  it('finds zones by a part of their name, spaces standing for underscores', async () => {
    const input = await loader.getHarness(MatAutocompleteHarness);
    await input.clear();
    await input.enterText('new york');
    const options = await input.getOptions();
    expect(await Promise.all(options.map((o) => o.getText()))).toEqual(['America/New_York']);

    await input.selectOption({ text: 'America/New_York' });
    expect(host.control.value).toBe('America/New_York');
    expect(host.control.valid).toBe(true);
  });

  it('lists the browser’s zone first', async () => {
    const input = await loader.getHarness(MatAutocompleteHarness);
    await input.focus();
    const options = await input.getOptions();
    expect(options.length).toBeGreaterThan(100);
    expect(await options[0].getText()).toBe('Europe/Berlin');
  });

  it('suggests the browser’s zone until it is chosen', async () => {
    const suggestion = await loader.getHarness(
      MatButtonHarness.with({ text: /Use Europe\/Berlin/ }),
    );
    await suggestion.click();
    expect(host.control.value).toBe('Europe/Berlin');
    expect(host.control.dirty).toBe(true);
    expect(
      await loader.getHarnessOrNull(MatButtonHarness.with({ text: /Use Europe\/Berlin/ })),
    ).toBeNull();
  });

  it('does not accept text that is not a zone', async () => {
    const input = await loader.getHarness(MatAutocompleteHarness);
    await input.clear();
    await input.enterText('Mars/Olympus');
    await input.blur();
    expect(host.control.valid).toBe(false);
    const field = await loader.getHarness(MatFormFieldHarness);
    expect(await field.getTextErrors()).toEqual(['Choose a time zone from the list.']);
  });
});
