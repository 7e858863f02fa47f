import { PING_TIMEOUT_MS, PROBE_REUSE_MS, SharedProbe } from './database-probe';

/** A probe whose pings the test answers one by one, on a clock the test moves. */
function probeWithPings() {
  let now = 1_000;
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = jest.fn(
    () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
  );
  const probe = new SharedProbe(check, () => now);
  const settle = () => new Promise((done) => setImmediate(done));
  return {
    probe,
    check,
    answer: async (up: boolean) => {
      const next = pending.shift()!;
      if (up) next.resolve();
      else next.reject(new Error('connection refused'));
      await settle();
    },
    pass: (ms: number) => {
      now += ms;
    },
  };
}

describe('SharedProbe', () => {
  it('sends one ping for any number of callers while it is in flight', async () => {
    const { probe, check, answer } = probeWithPings();
    const answers = Array.from({ length: 100 }, () => probe.up());

    expect(check).toHaveBeenCalledTimes(1);
    expect(probe.knownUp()).toBe(false);
    await answer(true);

    expect(await Promise.all(answers)).toEqual(Array(100).fill(true));
    expect(probe.pings).toBe(1);
  });

  it('reuses the result for PROBE_REUSE_MS, then pings again', async () => {
    const { probe, check, answer, pass } = probeWithPings();
    const first = probe.up();
    await answer(true);
    await first;

    pass(PROBE_REUSE_MS - 1);
    expect(probe.knownUp()).toBe(true);
    expect(await probe.up()).toBe(true);
    expect(check).toHaveBeenCalledTimes(1);

    pass(1);
    expect(probe.knownUp()).toBe(false);
    const again = probe.up();
    expect(check).toHaveBeenCalledTimes(2);
    await answer(true);
    expect(await again).toBe(true);
  });

  it('reports a failed ping as down, reused like an answer, and recovers on the next ping', async () => {
    const { probe, answer, pass } = probeWithPings();
    const down = probe.up();
    await answer(false);
    expect(await down).toBe(false);
    expect(probe.knownUp()).toBe(false);
    expect(await probe.up()).toBe(false);
    expect(probe.pings).toBe(1);

    pass(PROBE_REUSE_MS);
    const up = probe.up();
    await answer(true);
    expect(await up).toBe(true);
    expect(probe.knownUp()).toBe(true);
  });

  it('pings afresh after forget() (a dropped connection), and for ping() (readiness)', async () => {
    const { probe, check, answer } = probeWithPings();
    const first = probe.up();
    await answer(true);
    await first;

    probe.forget();
    expect(probe.knownUp()).toBe(false);
    const afterForget = probe.up();
    expect(check).toHaveBeenCalledTimes(2);
    await answer(false);
    expect(await afterForget).toBe(false);

    const ready = probe.ping();
    const joined = probe.ping();
    expect(check).toHaveBeenCalledTimes(3);
    await answer(true);
    expect(await ready).toBe(true);
    expect(await joined).toBe(true);
  });

  it('counts a ping that does not answer within PING_TIMEOUT_MS as down', async () => {
    jest.useFakeTimers();
    try {
      const probe = new SharedProbe(() => new Promise(() => undefined));
      const answer = probe.up();
      jest.advanceTimersByTime(PING_TIMEOUT_MS);
      expect(await answer).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
