import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { ConfirmService } from './confirm.service';

@Component({ template: '' })
class HostComponent {}

describe('ConfirmService', () => {
  async function ask() {
    TestBed.configureTestingModule({
      providers: [{ provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } }],
    });
    const fixture = TestBed.createComponent(HostComponent);
    const root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    const answers: boolean[] = [];
    let done = false;
    TestBed.inject(ConfirmService)
      .ask({ title: 'Delete Sales?', message: 'This cannot be undone.', confirm: 'Delete' })
      .subscribe({ next: (answer) => answers.push(answer), complete: () => (done = true) });
    const dialog = await root.getHarness(MatDialogHarness);
    const press = async (text: string) =>
      (await dialog.getHarness(MatButtonHarness.with({ text }))).click();
    return { dialog, press, answers, finished: () => done, root };
  }

  it('asks the question in a dialog and emits once when confirmed', async () => {
    const { dialog, press, answers, finished, root } = await ask();
    expect(await dialog.getTitleText()).toBe('Delete Sales?');
    expect(await dialog.getContentText()).toBe('This cannot be undone.');
    await press('Delete');
    expect(answers).toEqual([true]);
    expect(finished()).toBe(true);
    expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
  });

  it('completes without a value when cancelled', async () => {
    const { press, answers, finished } = await ask();
    await press('Cancel');
    expect(answers).toEqual([]);
    expect(finished()).toBe(true);
  });
});
