/**
 * Seeded randomness for tests: the same seed gives the same numbers, so a failure can be
 * replayed. The seed is TEST_SEED when set, else drawn at random; a failing test prints it.
 * Each test starts its stream from the seed again, so one test replays on its own (`--grep`).
 */

export interface SeededRandom {
  readonly seed: number;
  /** In [0, 1), like Math.random. */
  next(): number;
}

/** mulberry32: small, fast and good enough for test data. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  let next = mulberry32(seed);
  beforeEach(() => {
    next = mulberry32(seed);
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
