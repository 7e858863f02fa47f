import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { computed, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDatepickerInputHarness } from '@angular/material/datepicker/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { EVENT_TYPES, type CurrentUser, type HistoryEvent } from '@feedpass/contracts';
import { ADMIN, summary, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { HistoryEventsPage } from './history.page';

const uma = { id: USER.id, username: USER.username, displayName: USER.displayName };
const ada = { id: ADMIN.id, username: ADMIN.username, displayName: ADMIN.displayName };

function event(extra: Partial<HistoryEvent>): HistoryEvent {
  return {
    id: 'e-1',
    occurredAt: '2024-01-01T23:30:00Z',
    type: 'token.created',
    actor: uma,
    subjectUser: uma,
    token: { id: 't-1', label: 'Laptop' },
    details: {},
    ...extra,
  };
}

const CREATED = event({ id: 'e-1' });
const REVOKED = event({
  id: 'e-2',
  type: 'token.revoked',
  actor: ada,
  details: { reason: 'rotated' },
});
const EXPIRED = event({ id: 'e-3', type: 'token.expired', actor: null });

describe('HistoryEventsPage', () => {
  let fixture: ComponentFixture<HistoryEventsPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  async function render(user: CurrentUser): Promise<void> {
    const current = signal(user);
    TestBed.configureTestingModule({
      imports: [HistoryEventsPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: AuthService,
          useValue: { user: current, isAdmin: computed(() => current().role === 'admin') },
        },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(HistoryEventsPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    // The user select loads in an effect: run it.
    TestBed.tick();
  }

  afterEach(() => http.verify());

  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  const select = async (label: string) =>
    (await (
      await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }))
    ).getControl(MatSelectHarness)) as MatSelectHarness;
  const date = async (label: string) =>
    (await (
      await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }))
    ).getControl(MatDatepickerInputHarness)) as MatDatepickerInputHarness;
  const loadMore = () => loader.getHarnessOrNull(MatButtonHarness.with({ text: 'Load more' }));

  describe('for a user', () => {
    beforeEach(async () => {
      await render(USER);
      http
        .expectOne((req) => req.url === '/api/history' && req.params.keys().length === 0)
        .flush({ items: [REVOKED, CREATED, EXPIRED], nextCursor: 'c-2' });
      await fixture.whenStable();
    });

    it('shows their own events in words, in their time zone, with no User column', async () => {
      expect(fixture.nativeElement.querySelector('h1').textContent).toBe('History');
      const cells = await rows();
      expect(cells['type'].text).toEqual(['Token revoked', 'Token created', 'Token expired']);
      expect(cells['token'].text).toEqual(['Laptop', 'Laptop', 'Laptop']);
      expect(cells['actor'].text).toEqual(['Ada Admin', 'Uma User', 'System']);
      expect(cells['note'].text[0]).toBe('Replaced by rotation');
      expect(cells['occurredAt'].text[0].replace(/\s/g, ' ')).toBe('Jan 2, 2024, 8:30 AM');
      expect(cells['user']).toBeUndefined();
      expect(
        await loader.getHarnessOrNull(MatButtonHarness.with({ text: 'Download CSV' })),
      ).toBeNull();
    });

    it('offers every event type as a filter and asks the API for the chosen one', async () => {
      const type = await select('Event');
      await type.open();
      const options = await type.getOptions();
      expect(options).toHaveLength(EVENT_TYPES.length + 1);
      await type.clickOptions({ text: 'Token revoked' });
      const req = http.expectOne((r) => r.url === '/api/history');
      expect(req.request.params.get('type')).toBe('token.revoked');
      req.flush({ items: [REVOKED], nextCursor: null });
      await fixture.whenStable();
      expect((await rows())['type'].text).toEqual(['Token revoked']);
    });

    it('sends whole days in the user’s time zone for From and To', async () => {
      await (await date('From')).setValue('3/10/2024');
      http.expectOne((r) => r.url === '/api/history').flush({ items: [], nextCursor: null });
      await (await date('To')).setValue('3/11/2024');
      const req = http.expectOne((r) => r.url === '/api/history');
      // Tokyo is UTC+9: 10 March starts at 15:00 UTC on the 9th.
      expect(req.request.params.get('from')).toBe('2024-03-09T15:00:00.000Z');
      expect(req.request.params.get('to')).toBe('2024-03-11T14:59:59.999Z');
      req.flush({ items: [], nextCursor: null });
      await fixture.whenStable();
      expect(fixture.nativeElement.textContent).toContain('No events match these filters.');
    });

    it('loads older events with the cursor and appends them', async () => {
      await (await loadMore())!.click();
      const req = http.expectOne((r) => r.url === '/api/history');
      expect(req.request.params.get('cursor')).toBe('c-2');
      req.flush({
        items: [event({ id: 'e-9', type: 'user.created', token: null })],
        nextCursor: null,
      });
      await fixture.whenStable();
      expect((await rows())['type'].text).toEqual([
        'Token revoked',
        'Token created',
        'Token expired',
        'User created',
      ]);
      expect(await loadMore()).toBeNull();
    });
  });

  describe('for an admin', () => {
    beforeEach(async () => {
      await render(ADMIN);
      http.expectOne('/api/admin/users').flush({ items: [summary(ADMIN), summary(USER)] });
      http
        .expectOne((req) => req.url === '/api/admin/history' && req.params.keys().length === 0)
        .flush({ items: [REVOKED, CREATED], nextCursor: null });
      await fixture.whenStable();
    });

    it('shows the whole tenant with a User column', async () => {
      const cells = await rows();
      expect(cells['user'].text).toEqual(['Uma User', 'Uma User']);
      expect(await (await select('User')).getValueText()).toBe('All users');
    });

    it('asks the admin endpoint for one user’s events when a user is picked', async () => {
      const user = await select('User');
      await user.open();
      await user.clickOptions({ text: 'Uma User (demo-user)' });
      const req = http.expectOne((r) => r.url === '/api/admin/history');
      expect(req.request.params.get('userId')).toBe(USER.id);
      req.flush({ items: [CREATED], nextCursor: null });
      http.expectNone('/api/history');
    });

    it('downloads the current filter as CSV', async () => {
      const createObjectURL = jest.fn().mockReturnValue('blob:history');
      const revokeObjectURL = jest.fn();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
      const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});

      const type = await select('Event');
      await type.open();
      await type.clickOptions({ text: 'Token created' });
      http.expectOne((r) => r.url === '/api/admin/history').flush({ items: [], nextCursor: null });

      await (await loader.getHarness(MatButtonHarness.with({ text: 'Download CSV' }))).click();
      const req = http.expectOne((r) => r.url === '/api/admin/history');
      expect(req.request.headers.get('Accept')).toBe('text/csv');
      expect(req.request.responseType).toBe('blob');
      expect(req.request.params.get('type')).toBe('token.created');
      req.flush(new Blob(['time,type\r\n'], { type: 'text/csv' }));
      await fixture.whenStable();

      expect(createObjectURL).toHaveBeenCalled();
      expect(click).toHaveBeenCalled();
      click.mockRestore();
    });
  });
});
