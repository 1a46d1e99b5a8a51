import { createRng, InvalidConfigError } from '@cl/core'

/** Largest run seed `stepSeed` accepts (the range of `@cl/core`'s `createRng`). */
export const MAX_RUN_SEED = Number.MAX_SAFE_INTEGER

/**
 * The seed of training step `step` of job `key` in a run seeded with `seed`: a uint32 drawn from
 * `createRng(seed).fork(key).fork(step)`. Batches drawn from it are a function of (seed, key, step) only, so a resumed
 * job sees exactly the batches an uninterrupted one would, and jobs of one run see independent streams.
 */
export function stepSeed(seed: number, key: string, step: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_RUN_SEED) throw new InvalidConfigError('seed', `an integer in [0, ${MAX_RUN_SEED}]`, seed)
  if (typeof key !== 'string' || key.length === 0) throw new InvalidConfigError('key', 'a non-empty string', key)
  if (!Number.isInteger(step) || step < 0 || step > MAX_RUN_SEED) throw new InvalidConfigError('step', `an integer in [0, ${MAX_RUN_SEED}]`, step)
  return createRng(seed).fork(key).fork(step).nextUint32()
}
