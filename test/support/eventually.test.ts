import { describe, expect, it } from '@jest/globals';
import { eventually } from './eventually';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('eventually', () => {
  it('returns as soon as the check passes', async () => {
    let calls = 0;
    await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
    });
    expect(calls).toBe(3);
  });

  it('fails with the last try\'s error after its tries, saying how many', async () => {
    let calls = 0;
    const failing = eventually(
      () => {
        calls += 1;
        expect(calls).toBe(0);
      },
      { tries: 4, interval: 1, within: 60_000 },
    );
    await expect(failing).rejects.toThrow(/^still failing after 4 tries in \d+ ms \(1 ms apart\): [\s\S]*Received: 4/);
    expect(calls).toBe(4);
  });

  it('starts no try past four times its window, however long each try waits (a read of a missing element)', async () => {
    let calls = 0;
    const failing = eventually(
      async () => {
        calls += 1;
        await sleep(60);
        throw new Error('element not found');
      },
      { tries: 30, interval: 10 },
    );
    await expect(failing).rejects.toThrow(/still failing after \d+ tries in \d+ ms \(10 ms apart\): element not found/);
    // Each try takes 60 ms and more: 30 of them would take 2.1 s, past the budget of 30 x 10 x 4 = 1.2 s.
    expect(calls).toBeLessThan(30);
  });

  it('tries more than once with no interval (its window is at least a second)', async () => {
    let calls = 0;
    await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
    }, { tries: 5, interval: 0 });
    expect(calls).toBe(3);
  });

  it('keeps a string thrown as it is', async () => {
    await expect(eventually(() => Promise.reject('plain'), { tries: 2, interval: 1, within: 60_000 })).rejects.toBe('plain');
  });

  it('gives up on `within` alone when asked', async () => {
    let calls = 0;
    const failing = eventually(() => {
      calls += 1;
      throw new Error('never');
    }, { tries: 1_000, interval: 20, within: 200 });
    await expect(failing).rejects.toThrow(/never/);
    expect(calls).toBeLessThan(12);
  });
});
