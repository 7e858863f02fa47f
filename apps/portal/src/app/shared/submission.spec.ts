import { HttpErrorResponse } from '@angular/common/http';
import { Subject } from 'rxjs';
import { submission } from './submission';

const refusal = (code: string, message: string) =>
  new HttpErrorResponse({ status: 409, error: { code, message } });

describe('submission', () => {
  it('is pending from the send to the answer, then hands the answer over', () => {
    const save = submission({ repeat: true });
    const answer = new Subject<string>();
    const answers: string[] = [];
    save.send(answer, (value) => answers.push(value));
    expect(save.pending()).toBe(true);
    answer.next('created');
    expect(save.pending()).toBe(false);
    expect(answers).toEqual(['created']);
    expect(save.error()).toBeNull();
  });

  it('stays pending after a success unless the form may send again', () => {
    const save = submission();
    const answer = new Subject<string>();
    const answers: string[] = [];
    save.send(answer, (value) => answers.push(value));
    answer.next('created');
    expect(answers).toEqual(['created']);
    expect(save.pending()).toBe(true);
  });

  it("shows the API's words for a refusal and clears them on the next send", () => {
    const save = submission();
    const first = new Subject<string>();
    save.send(first, () => undefined);
    first.error(refusal('name_taken', 'That name is taken.'));
    expect(save.pending()).toBe(false);
    expect(save.error()).toBe('That name is taken.');

    save.send(new Subject<string>(), () => undefined);
    expect(save.error()).toBeNull();
    expect(save.pending()).toBe(true);
  });

  it('shows what `refused` makes of a refusal, and nothing when it showed it elsewhere', () => {
    const save = submission();
    const answer = new Subject<void>();
    save.send(
      answer,
      () => undefined,
      (err) => (err instanceof HttpErrorResponse ? `Refused (${err.status}).` : null),
    );
    answer.error(refusal('last_admin', 'The last admin stays an admin.'));
    expect(save.error()).toBe('Refused (409).');

    const other = new Subject<void>();
    save.send(
      other,
      () => undefined,
      () => null,
    );
    other.error(refusal('last_admin', 'The last admin stays an admin.'));
    expect(save.error()).toBeNull();
    expect(save.pending()).toBe(false);
  });

  it('lets two requests of one form share its error line, each with its own pending', () => {
    const save = submission();
    const resend = submission({ repeat: true, error: save.error });
    const saving = new Subject<void>();
    // This one shows its refusals under a field.
    save.send(
      saving,
      () => undefined,
      () => null,
    );
    const link = new Subject<void>();
    resend.send(link, () => undefined);
    expect([save.pending(), resend.pending()]).toEqual([true, true]);
    link.error(refusal('rate_limited', 'Wait a minute.'));
    expect([save.pending(), resend.pending()]).toEqual([true, false]);
    expect(save.error()).toBe('Wait a minute.');

    // Its refusal leaves the other request's words on the line.
    saving.error(refusal('last_admin', 'The last admin stays an admin.'));
    expect(save.error()).toBe('Wait a minute.');

    save.send(
      new Subject<void>(),
      () => undefined,
      () => null,
    );
    expect(resend.error()).toBeNull();
  });

  it('hands over an answer or a refusal, never both', () => {
    const save = submission();
    const answers: string[] = [];
    const refusals: unknown[] = [];
    const answered = new Subject<string>();
    save.send(
      answered,
      (value) => answers.push(value),
      (err) => (refusals.push(err), 'refused'),
    );
    answered.next('created');
    const refused = new Subject<string>();
    save.send(
      refused,
      (value) => answers.push(value),
      (err) => (refusals.push(err), 'refused'),
    );
    refused.error(new Error('offline'));
    expect(answers).toEqual(['created']);
    expect(refusals).toHaveLength(1);
  });

  it('says something plain when the server sent no words', () => {
    const save = submission();
    const unreachable = new Subject<void>();
    save.send(unreachable, () => undefined);
    unreachable.error(new HttpErrorResponse({ status: 0 }));
    expect(save.error()).toBe('The server cannot be reached. Check your connection and try again.');
  });
});
