import type { EventType, HistoryEvent } from '@feedpass/contracts';
import { EVENT_TYPES } from '@feedpass/contracts';
import { EVENT_WORDING, eventName, eventNote } from './event-wording';

function event(type: EventType, details: Record<string, unknown>): HistoryEvent {
  return {
    id: 'e-1',
    occurredAt: '2025-01-31T10:00:00Z',
    type,
    actor: null,
    subjectUser: null,
    token: null,
    details,
  };
}

const note = (type: EventType, details: Record<string, unknown>) =>
  eventNote(event(type, details), (iso) => `<${iso}>`);

describe('event wording', () => {
  it('names every event type', () => {
    for (const type of EVENT_TYPES) expect(EVENT_WORDING[type]).toMatch(/^[A-Z]/);
    expect(eventName('data_source.updated')).toBe('Data source updated');
    expect(eventName('data_source.cloned')).toBe('Data source cloned');
    expect(eventName('data_source.transferred')).toBe('Data source transferred');
  });

  describe('token.created', () => {
    it('notes a rotation and a scope limited to some data sources, not the default scope', () => {
      expect(note('token.created', { scope: { kind: 'all' } })).toBe('');
      expect(
        note('token.created', {
          rotatedFrom: 't-0',
          scope: {
            kind: 'data_sources',
            dataSources: [
              { id: 'a', name: 'Sales' },
              { id: 'b', name: 'Finance' },
            ],
          },
        }),
      ).toBe('Replaces a rotated token; Only for: Sales, Finance');
    });

    it('says so when the scope lists no data sources left (a rotation after they were deleted)', () => {
      expect(
        note('token.created', {
          rotatedFrom: 't-0',
          scope: { kind: 'data_sources', dataSources: [] },
        }),
      ).toBe('Replaces a rotated token; No data sources left (they were deleted)');
      expect(note('token.created', { scope: { kind: 'data_sources', dataSources: [] } })).toBe(
        'No data sources left (they were deleted)',
      );
    });
  });

  it('words the revoke reasons unused and leaked', () => {
    expect(note('token.revoked', { reason: 'unused' })).toBe(
      'Not used for too long (tenant policy)',
    );
    expect(note('token.revoked', { reason: 'leaked' })).toBe('Found in public by secret scanning');
  });

  describe('data_source.updated', () => {
    it('says what changed from what to what', () => {
      expect(
        note('data_source.updated', {
          dataSourceId: 'ds-1',
          name: 'B',
          changes: {
            name: { from: 'A', to: 'B' },
            tables: { from: ['accounts', 'deals'], to: ['accounts', 'contacts'] },
            rowFilters: { from: { deals: "Stage eq 'x'" }, to: {} },
          },
        }),
      ).toBe('B — name: A → B; tables: +contacts −deals; row filter of deals removed');
    });

    it('tells added, changed and removed row filters apart', () => {
      expect(
        note('data_source.updated', {
          name: 'Sales',
          changes: {
            rowFilters: {
              from: { deals: "Stage eq 'a'", accounts: "Country eq 'DE'", contacts: 'Id gt 1' },
              to: { deals: "Stage eq 'b'", accounts: "Country eq 'DE'", leads: 'Id gt 2' },
            },
          },
        }),
      ).toBe(
        'Sales — row filter of contacts removed; row filter of deals changed; row filter of leads added',
      );
    });

    it('shows only the name when the changes are missing or unknown', () => {
      expect(note('data_source.updated', { name: 'Sales' })).toBe('Sales');
      expect(note('data_source.updated', { name: 'Sales', changes: { colour: 'red' } })).toBe(
        'Sales',
      );
      expect(note('data_source.updated', { name: 'Sales', changes: 'garbage' })).toBe('Sales');
    });
  });

  it('says what a clone was cloned from', () => {
    expect(
      note('data_source.cloned', {
        dataSourceId: 'ds-2',
        name: 'Copy of Sales',
        from: { dataSourceId: 'ds-1', name: 'Sales' },
      }),
    ).toBe('Copy of Sales — Cloned from Sales');
    expect(note('data_source.cloned', { name: 'Copy of Sales' })).toBe('Copy of Sales');
  });

  it('says from whom to whom a data source was transferred', () => {
    expect(
      note('data_source.transferred', {
        dataSourceId: 'ds-1',
        name: 'Sales',
        from: 'ann',
        to: 'bob',
      }),
    ).toBe('Sales — Transferred from ann to bob');
  });

  it('keeps the existing notes', () => {
    expect(note('data_source.shared', { name: 'Sales', with: 'bob' })).toBe('Sales with bob');
    expect(note('token.expiry_shortened', { to: '2025-02-01T00:00:00Z' })).toBe(
      'Now expires <2025-02-01T00:00:00Z>',
    );
  });
});
