import { describe, expect, it } from 'vitest';
import { takeTurn, TimeSlice } from '../../src/schedule/take-turn.js';
import { countLoopIterations } from '../helpers/loop-iterations.js';

describe('takeTurn', () => {
  it('resumes waiting tasks one per iteration of the event loop, taking turns in order', async () => {
    const loop = countLoopIterations();
    const resumed: [string, number][] = [];
    const task = async (name: string): Promise<void> => {
      for (let slice = 0; slice < 20; slice++) {
        await takeTurn();
        resumed.push([name, loop.count]);
      }
    };
    await Promise.all([task('a'), task('b'), task('c')]);
    loop.stop();
    expect(resumed).toHaveLength(60);
    // Never two slices in one iteration (setImmediate alone resumes all three in the same one).
    expect(new Set(resumed.map(([, at]) => at)).size).toBe(60);
    expect(resumed.slice(0, 6).map(([name]) => name)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('a turn asked for after the queue emptied is given too', async () => {
    await takeTurn();
    await takeTurn();
    const order: number[] = [];
    await Promise.all([takeTurn().then(() => order.push(1)), takeTurn().then(() => order.push(2))]);
    expect(order).toEqual([1, 2]);
  });
});

describe('TimeSlice', () => {
  it('is due once its time of work went by, and starts a new slice after its turn', async () => {
    const slice = new TimeSlice(200);
    expect(slice.due).toBe(false);
    const until = performance.now() + 210;
    while (performance.now() < until); // work, without a turn
    expect(slice.due).toBe(true);
    await slice.turn();
    expect(slice.due).toBe(false);
  });

  it('starts a new slice on restart, without a turn (a loop whose turn was an awaited read)', () => {
    const slice = new TimeSlice(50);
    const until = performance.now() + 60;
    while (performance.now() < until);
    expect(slice.due).toBe(true);
    slice.restart();
    expect(slice.due).toBe(false);
  });
});
