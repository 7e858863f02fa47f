import {
  applyPolicyChange,
  DEFAULT_POLICY,
  resolveMintExpiry,
  resolveRotationExpiry,
  shortenedExpiryLimit,
  validatePolicy,
  type PolicyChange,
  type PolicyRules,
} from './policy';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2027-03-01T12:00:00.000Z');
const inDays = (days: number, from = NOW) => new Date(from.getTime() + days * DAY);
const plus = (ms: number) => new Date(NOW.getTime() + ms);

const off = { revokeUnusedAfterDays: null };
const none: PolicyRules = { mode: 'none', lifetimeDays: null, notifyDaysBefore: [7, 1], ...off };
const fixed30: PolicyRules = { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [7, 1], ...off };
const max30: PolicyRules = { mode: 'max', lifetimeDays: 30, notifyDaysBefore: [7, 1], ...off };
/** The same as submitted without revokeUnusedAfterDays. */
const submitted = ({ revokeUnusedAfterDays: _, ...rules }: PolicyRules): PolicyChange => rules;

describe('validatePolicy (SPEC 3)', () => {
  it('the default is mode none, no lifetime, notices 7 and 1 days before', () => {
    expect(DEFAULT_POLICY).toEqual({
      mode: 'none',
      lifetimeDays: null,
      notifyDaysBefore: [7, 1],
      revokeUnusedAfterDays: null,
    });
  });

  it.each<[string, Record<string, unknown>, PolicyChange]>([
    ['none', { mode: 'none', lifetimeDays: null, notifyDaysBefore: [7, 1] }, submitted(none)],
    [
      'none without lifetimeDays',
      { mode: 'none', notifyDaysBefore: [] },
      { mode: 'none', lifetimeDays: null, notifyDaysBefore: [] },
    ],
    [
      'fixed 1 day',
      { mode: 'fixed', lifetimeDays: 1, notifyDaysBefore: [1] },
      { mode: 'fixed', lifetimeDays: 1, notifyDaysBefore: [1] },
    ],
    [
      'max 3650 days',
      { mode: 'max', lifetimeDays: 3650, notifyDaysBefore: [90] },
      { mode: 'max', lifetimeDays: 3650, notifyDaysBefore: [90] },
    ],
    [
      'five notice days, sorted largest first',
      { mode: 'max', lifetimeDays: 365, notifyDaysBefore: [1, 90, 7, 30, 14] },
      { mode: 'max', lifetimeDays: 365, notifyDaysBefore: [90, 30, 14, 7, 1] },
    ],
    [
      'applyToExisting with fixed',
      { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [7, 1], applyToExisting: true },
      submitted(fixed30),
    ],
    [
      'applyToExisting false with none',
      { mode: 'none', lifetimeDays: null, notifyDaysBefore: [7, 1], applyToExisting: false },
      submitted(none),
    ],
    [
      'revokeUnusedAfterDays 7 (the least)',
      { mode: 'none', lifetimeDays: null, notifyDaysBefore: [7, 1], revokeUnusedAfterDays: 7 },
      { ...none, revokeUnusedAfterDays: 7 },
    ],
    [
      'revokeUnusedAfterDays 3650 (the most)',
      { ...fixed30, revokeUnusedAfterDays: 3650 },
      { ...fixed30, revokeUnusedAfterDays: 3650 },
    ],
    ['revokeUnusedAfterDays null (off)', { ...max30 }, max30],
    [
      'notice days not shorter than revokeUnusedAfterDays (they just do not apply)',
      { ...none, notifyDaysBefore: [30, 7], revokeUnusedAfterDays: 7 },
      { ...none, notifyDaysBefore: [30, 7], revokeUnusedAfterDays: 7 },
    ],
  ])('accepts %s', (_name, input, expected) => {
    expect(validatePolicy(input as Parameters<typeof validatePolicy>[0])).toEqual({
      ok: true,
      value: expected,
    });
  });

  it('leaves revokeUnusedAfterDays out when it was left out (unchanged, not off)', () => {
    const result = validatePolicy({ mode: 'none', lifetimeDays: null, notifyDaysBefore: [] });
    expect(result.ok && 'revokeUnusedAfterDays' in result.value).toBe(false);
  });

  it('does not reorder the caller’s array in place', () => {
    const days = [1, 7];
    validatePolicy({ mode: 'none', lifetimeDays: null, notifyDaysBefore: days });
    expect(days).toEqual([1, 7]);
  });

  const base = { mode: 'fixed', lifetimeDays: 30, notifyDaysBefore: [7, 1] };
  it.each<[string, Record<string, unknown>]>([
    ['an unknown mode', { ...base, mode: 'weekly' }],
    ['no mode', { lifetimeDays: 30, notifyDaysBefore: [] }],
    ['lifetimeDays 0', { ...base, lifetimeDays: 0 }],
    ['lifetimeDays 3651', { ...base, lifetimeDays: 3651 }],
    ['a fractional lifetimeDays', { ...base, lifetimeDays: 29.5 }],
    ['lifetimeDays as a string', { ...base, lifetimeDays: '30' }],
    ['lifetimeDays NaN', { ...base, lifetimeDays: NaN }],
    ['lifetimeDays Infinity', { ...base, lifetimeDays: Infinity }],
    ['no lifetimeDays for fixed', { mode: 'fixed', notifyDaysBefore: [] }],
    ['null lifetimeDays for max', { ...base, mode: 'max', lifetimeDays: null }],
    ['a lifetimeDays for none', { mode: 'none', lifetimeDays: 30, notifyDaysBefore: [] }],
    ['a lifetimeDays of 0 for none', { mode: 'none', lifetimeDays: 0, notifyDaysBefore: [] }],
    ['six notice days', { ...base, notifyDaysBefore: [1, 2, 3, 4, 5, 6] }],
    ['duplicate notice days', { ...base, notifyDaysBefore: [7, 7] }],
    ['notice day 0', { ...base, notifyDaysBefore: [0] }],
    ['notice day 91', { ...base, notifyDaysBefore: [91] }],
    ['a negative notice day', { ...base, notifyDaysBefore: [-1] }],
    ['a fractional notice day', { ...base, notifyDaysBefore: [1.5] }],
    ['a notice day as a string', { ...base, notifyDaysBefore: ['7'] }],
    ['notice days not a list', { ...base, notifyDaysBefore: 7 }],
    ['no notice days', { mode: 'fixed', lifetimeDays: 30 }],
    [
      'applyToExisting with none',
      { mode: 'none', lifetimeDays: null, notifyDaysBefore: [], applyToExisting: true },
    ],
    ['applyToExisting not a boolean', { ...base, applyToExisting: 'true' }],
    ['revokeUnusedAfterDays 6', { ...base, revokeUnusedAfterDays: 6 }],
    ['revokeUnusedAfterDays 3651', { ...base, revokeUnusedAfterDays: 3651 }],
    ['revokeUnusedAfterDays 0', { ...base, revokeUnusedAfterDays: 0 }],
    ['a fractional revokeUnusedAfterDays', { ...base, revokeUnusedAfterDays: 7.5 }],
    ['revokeUnusedAfterDays as a string', { ...base, revokeUnusedAfterDays: '30' }],
    ['revokeUnusedAfterDays NaN', { ...base, revokeUnusedAfterDays: NaN }],
    ['revokeUnusedAfterDays false', { ...base, revokeUnusedAfterDays: false }],
  ])('rejects %s as invalid_policy with a message', (_name, input) => {
    const result = validatePolicy(input as Parameters<typeof validatePolicy>[0]);
    expect(result).toEqual({ ok: false, code: 'invalid_policy', message: expect.any(String) });
    expect((result as { message: string }).message.length).toBeGreaterThan(10);
  });
});

describe('revokeUnusedAfterDays errors', () => {
  it('names the field and its range', () => {
    expect(
      validatePolicy({
        mode: 'none',
        lifetimeDays: null,
        notifyDaysBefore: [],
        revokeUnusedAfterDays: 6,
      }),
    ).toEqual({
      ok: false,
      code: 'invalid_policy',
      message:
        'revokeUnusedAfterDays must be a whole number of days from 7 to 3650, or null to never revoke unused tokens',
    });
  });
});

describe('applyPolicyChange (SPEC 12: revokeUnusedAfterDays omitted = unchanged)', () => {
  const current: PolicyRules = { ...fixed30, revokeUnusedAfterDays: 90 };
  it('keeps the current revokeUnusedAfterDays when the change leaves it out', () => {
    expect(applyPolicyChange(current, submitted(max30))).toEqual({
      ...max30,
      revokeUnusedAfterDays: 90,
    });
  });
  it('turns it off with null, and sets a new value', () => {
    expect(applyPolicyChange(current, { ...none, revokeUnusedAfterDays: null })).toEqual(none);
    expect(applyPolicyChange(DEFAULT_POLICY, { ...none, revokeUnusedAfterDays: 30 })).toEqual({
      ...none,
      revokeUnusedAfterDays: 30,
    });
  });
});

describe('resolveMintExpiry (SPEC 3)', () => {
  describe('fixed', () => {
    it('is exactly now + lifetimeDays when no expiry is sent', () => {
      expect(resolveMintExpiry(fixed30, undefined, NOW)).toEqual({ ok: true, value: inDays(30) });
    });
    it.each([
      ['a date', inDays(10)],
      ['exactly the lifetime', inDays(30)],
      ['null', null],
    ])('refuses %s with expiry_not_allowed', (_name, requested) => {
      expect(resolveMintExpiry(fixed30, requested, NOW)).toMatchObject({
        ok: false,
        code: 'expiry_not_allowed',
      });
    });
  });

  describe('max', () => {
    it('defaults to the maximum', () => {
      expect(resolveMintExpiry(max30, undefined, NOW)).toEqual({ ok: true, value: inDays(30) });
    });
    it.each([
      ['1 ms ahead', plus(1)],
      ['10 days ahead', inDays(10)],
      ['exactly the maximum', inDays(30)],
    ])('keeps an expiry %s', (_name, requested) => {
      expect(resolveMintExpiry(max30, requested, NOW)).toEqual({ ok: true, value: requested });
    });
    it('refuses "no expiry" with expiry_required', () => {
      expect(resolveMintExpiry(max30, null, NOW)).toMatchObject({
        ok: false,
        code: 'expiry_required',
      });
    });
    it.each([
      ['1 ms beyond the maximum', plus(30 * DAY + 1)],
      ['now', NOW],
      ['in the past', plus(-DAY)],
    ])('refuses an expiry %s with expiry_out_of_range', (_name, requested) => {
      expect(resolveMintExpiry(max30, requested, NOW)).toMatchObject({
        ok: false,
        code: 'expiry_out_of_range',
      });
    });
  });

  describe('none', () => {
    it.each([
      ['no expiry (null)', null],
      ['nothing sent', undefined],
    ])('gives no expiry for %s', (_name, requested) => {
      expect(resolveMintExpiry(none, requested, NOW)).toEqual({ ok: true, value: null });
    });
    it('keeps a future date', () => {
      expect(resolveMintExpiry(none, inDays(400), NOW)).toEqual({ ok: true, value: inDays(400) });
    });
    it.each([
      ['now', NOW],
      ['in the past', plus(-1)],
    ])('refuses an expiry %s with expiry_out_of_range', (_name, requested) => {
      expect(resolveMintExpiry(none, requested, NOW)).toMatchObject({
        ok: false,
        code: 'expiry_out_of_range',
      });
    });
  });
});

describe('resolveRotationExpiry (SPEC 2: a fresh expiry under the current policy)', () => {
  const replaced = { createdAt: inDays(-100), expiresAt: inDays(-90) };
  it.each([
    ['fixed', fixed30],
    ['max', max30],
  ])('under %s: now + lifetimeDays, whatever the replaced token had', (_name, policy) => {
    expect(resolveRotationExpiry(policy, replaced, NOW)).toEqual(inDays(30));
    expect(resolveRotationExpiry(policy, { createdAt: inDays(-1), expiresAt: null }, NOW)).toEqual(
      inDays(30),
    );
  });
  it('under none, a token without expiry is replaced by one without expiry', () => {
    expect(resolveRotationExpiry(none, { createdAt: inDays(-5), expiresAt: null }, NOW)).toBeNull();
  });
  it('under none, a token with an expiry gets a fresh one of the same lifetime, in the future', () => {
    expect(resolveRotationExpiry(none, replaced, NOW)).toEqual(inDays(10));
    const result = resolveRotationExpiry(
      none,
      { createdAt: plus(-1000), expiresAt: plus(-500) },
      NOW,
    );
    expect(result!.getTime()).toBeGreaterThan(NOW.getTime());
  });
});

describe('shortenedExpiryLimit (SPEC 3 applyToExisting)', () => {
  it('is now + lifetimeDays for fixed and max', () => {
    expect(shortenedExpiryLimit(fixed30, NOW)).toEqual(inDays(30));
    expect(shortenedExpiryLimit({ ...max30, lifetimeDays: 1 }, NOW)).toEqual(inDays(1));
  });
  it('is null (nothing to shorten) for none', () => {
    expect(shortenedExpiryLimit(none, NOW)).toBeNull();
  });
});
