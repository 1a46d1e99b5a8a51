import { InvalidConfigError } from '@cl/core'

/** Largest seed: `@cl/core`'s rng (and so every `@cl/dgp` / `@cl/models` seed) accepts integers in [0, 2^53 − 1]. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER
/** Most seeds one invocation runs (`--seeds`): each seed is a full set of training runs, so more is a typo. */
export const MAX_SEEDS = 1000

/**
 * Check a seed range before anything runs: `seed` and every later seed `seed + seeds − 1` must be valid seeds, and
 * `seeds` in [1, {@link MAX_SEEDS}]. Per-step batch seeds are hashed from (seed, job, step) into 32 bits, so they
 * are valid whenever the run seed is.
 */
export function assertSeedRange(seed: number, seeds: number): void {
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS) throw new InvalidConfigError('--seeds', `an integer in [1, ${MAX_SEEDS}]`, seeds)
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new InvalidConfigError('--seed', `an integer in [0, 2^53 − 1 = ${MAX_SEED}]`, seed)
  if (seed + (seeds - 1) > MAX_SEED) {
    throw new InvalidConfigError('--seed', `an integer in [0, ${MAX_SEED - (seeds - 1)}] so that all ${seeds} seeds (seed … seed + ${seeds - 1}) stay <= 2^53 − 1`, seed)
  }
}

/** Parse a CLI integer strictly: decimal digits only (no '', no 1e9, no 0x10, no spaces), within [min, max]. */
export function parseIntegerArg(name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidConfigError(name, `an integer in [${min}, ${max}]`, value)
  return n
}
