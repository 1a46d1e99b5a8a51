import { InvalidConfigError, createRng } from '@cl/core'

/** Sample indices of a held-out split; `test` is empty when testFraction = 0 (fit and score in-sample). */
export interface TrainTestSplit {
  readonly train: Int32Array
  readonly test: Int32Array
}

/**
 * Deterministic shuffled split of n samples (Fisher–Yates with `createRng(seed)` of `@cl/core`), like sklearn
 * `train_test_split(shuffle=True)`: nTest = round(n · testFraction). The same (n, testFraction, seed) always gives
 * the same split, so several layers of one encoder can be scored on identical held-out samples.
 * testFraction must be in [0, 1); both parts must keep ≥ 2 samples when testFraction > 0.
 */
export function trainTestSplit(n: number, testFraction: number, seed = 0): TrainTestSplit {
  if (!(testFraction >= 0 && testFraction < 1)) throw new InvalidConfigError('testFraction', 'a number in [0, 1)', testFraction)
  if (!Number.isInteger(seed) || seed < 0) throw new InvalidConfigError('seed', 'an integer ≥ 0', seed)
  if (testFraction === 0) return { train: Int32Array.from({ length: n }, (_, i) => i), test: new Int32Array(0) }
  const nTest = Math.round(n * testFraction)
  if (nTest < 2 || n - nTest < 2) {
    throw new InvalidConfigError('testFraction', `a fraction leaving ≥ 2 train and ≥ 2 test samples of n = ${n}`, testFraction)
  }
  const perm = shuffledIndices(n, seed, 'train-test-split')
  const test = perm.slice(0, nTest).sort()
  const train = perm.slice(nTest).sort()
  return { train, test }
}

/** 0 … n−1 shuffled by Fisher–Yates on `createRng(seed).fork(stream)` (each caller its own stream). */
export function shuffledIndices(n: number, seed: number, stream: string): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i)
  const rng = createRng(seed).fork(stream)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = perm[i]!
    perm[i] = perm[j]!
    perm[j] = t
  }
  return perm
}
