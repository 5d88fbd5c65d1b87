/**
 * Seeded randomness for tests: the same seed gives the same numbers, so a failure can be
 * replayed. The seed is TEST_SEED when set, else drawn at random; a failing test prints it.
 * Each test starts its stream from the seed again, so one test replays on its own (`--grep`).
 */
import { createPrng } from '../../db/seeds/atyrau-demo.js';

export interface SeededRandom {
  readonly seed: number;
  /** In [0, 1), like Math.random. */
  next(): number;
}

export function suiteSeed(): number {
  const fromEnv = process.env.TEST_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed)) throw new Error(`TEST_SEED must be an integer, got ${fromEnv}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * Call inside a `describe`: a generator re-seeded before each test, and the seed printed when
 * a test fails (with how to replay it).
 */
export function seededRandom(seed = suiteSeed()): SeededRandom {
  let next = createPrng(seed);
  beforeEach(() => {
    next = createPrng(seed);
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.error(
        `      random seed ${seed}: replay with TEST_SEED=${seed} npx mocha ${this.currentTest.file ?? ''}`,
      );
    }
  });
  return {
    seed,
    next: () => next(),
  };
}
