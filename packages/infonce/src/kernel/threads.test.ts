import { createRng, isClError } from '@cl/core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { lseProblem, pairwiseLseBackwardHost, pairwiseLseForwardHost } from './compute.js'
import { disposePairwiseLsePool, rowBounds } from './pool-node.js'
import { getPairwiseLseThreads, setPairwiseLsePoolMinWork, setPairwiseLseThreads } from './threads.js'
import { lseOracle, maxRelError } from './test-oracle.js'
import type { PairwiseLseAttrs } from '../pairwise-lse-kernel.js'

afterEach(() => {
  setPairwiseLseThreads(undefined)
  setPairwiseLsePoolMinWork(1 << 22)
})
afterAll(() => disposePairwiseLsePool())

function run(threads: number, attrs: PairwiseLseAttrs, n = 203, m = 301, d = 10) {
  setPairwiseLsePoolMinWork(0)
  setPairwiseLseThreads(threads)
  const rng = createRng(7)
  const a = Float32Array.from(rng.normalArray(n * d))
  const b = Float32Array.from(rng.normalArray(m * d))
  const w = Float32Array.from({ length: d }, () => 0.5 + rng.uniform())
  const dy = Float32Array.from(rng.normalArray(n))
  const pr = lseProblem(a, b, w, { n, m, d }, attrs)
  const lse = pairwiseLseForwardHost(pr)
  return { lse, ...pairwiseLseBackwardHost(pr, lse, dy), oracle: () => lseOracle(a, b, w, dy, n, m, d, attrs) }
}

const KEYS = ['lse', 'da', 'db', 'dw'] as const

describe('worker pool', () => {
  it.each([
    ['lp p=2 excl. self', { form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 }],
    ['lp p=1.5', { form: 'lp', p: 1.5, excludeSelf: false, rowOffset: 0 }],
    ['dot excl. self, rowOffset 2', { form: 'dot', p: 2, excludeSelf: true, rowOffset: 2 }],
  ] as [string, PairwiseLseAttrs][])('%s: 1, 2 and 3 threads agree; each is bit-reproducible', (_, attrs) => {
    const one = run(1, attrs)
    const two = run(2, attrs)
    const twoAgain = run(2, attrs)
    const three = run(3, attrs)
    for (const k of KEYS) {
      expect(Array.from(twoAgain[k]), k).toEqual(Array.from(two[k]))
      expect(maxRelError(two[k], one[k]), k).toBeLessThan(1e-6)
      expect(maxRelError(three[k], one[k]), k).toBeLessThan(1e-6)
    }
    // lse and da do not depend on the partition at all (rows are independent; blocks are multiples of 4 rows)
    expect(Array.from(two.lse)).toEqual(Array.from(one.lse))
    expect(Array.from(two.da)).toEqual(Array.from(one.da))
    const want = one.oracle()
    for (const k of KEYS) expect(maxRelError(three[k], want[k]), k).toBeLessThan(1e-5)
  })

  it('uses fixed row blocks that are multiples of 4 rows', () => {
    expect(rowBounds(203, 2)).toEqual([0, 100, 203])
    expect(rowBounds(8, 3)).toEqual([0, 0, 4, 8])
    expect(rowBounds(203, 1)).toEqual([0, 203])
  })

  it('more threads than row blocks is fine', () => {
    const few = run(8, { form: 'lp', p: 2, excludeSelf: false, rowOffset: 0 }, 5, 40, 3)
    const one = run(1, { form: 'lp', p: 2, excludeSelf: false, rowOffset: 0 }, 5, 40, 3)
    for (const k of KEYS) expect(maxRelError(few[k], one[k]), k).toBeLessThan(1e-6)
  })
})

describe('thread count', () => {
  it('defaults to min(cores, 8) and can be overridden', () => {
    expect(getPairwiseLseThreads()).toBeGreaterThanOrEqual(1)
    expect(getPairwiseLseThreads()).toBeLessThanOrEqual(8)
    setPairwiseLseThreads(3)
    expect(getPairwiseLseThreads()).toBe(3)
  })

  it('reads CL_THREADS', () => {
    const saved = process.env.CL_THREADS
    try {
      process.env.CL_THREADS = '5'
      expect(getPairwiseLseThreads()).toBe(5)
      process.env.CL_THREADS = 'lots'
      expect(() => getPairwiseLseThreads()).toThrowError(/CL_THREADS/)
    } finally {
      if (saved === undefined) delete process.env.CL_THREADS
      else process.env.CL_THREADS = saved
    }
  })

  it.each([0, 65, 1.5, Number.NaN])('rejects %s with a typed error', (n) => {
    let err: unknown
    try {
      setPairwiseLseThreads(n)
    } catch (e) {
      err = e
    }
    expect(isClError(err, 'CL_INVALID_CONFIG')).toBe(true)
    expect(String(err)).toMatch(/\[1, 64\]/)
  })
})
