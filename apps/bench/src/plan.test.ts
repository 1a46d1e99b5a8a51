import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { isClError } from '@cl/core'
import { planRows, SWEEP_N, THRESHOLD_DRAWS } from './plan.js'

describe('planRows', () => {
  it('defaults: the four workloads at their own N on every available backend, 3 runs of 5 s, the app\'s generator', () => {
    const rows = planRows({}, ['cpu', 'wasm'])
    const threads = os.availableParallelism() >= 2 ? [1, 2] : [1]
    const expected = ['cpu', 'wasm'].flatMap((backend) =>
      [['quick-mlp', 256], ['loss-only', 6144], ['linear', 6144], ['mlp-box', 2048]].flatMap(([workload, n]) => threads.map((t) => [backend, workload, n, t])),
    )
    expect(rows.map((r) => [r.backend, r.workload, r.n, r.threads])).toEqual(expected)
    for (const r of rows) expect([r.runs, r.minSeconds, r.seed, r.thresholdDraws]).toEqual([3, 5, 0, THRESHOLD_DRAWS])
  })

  it('--sweep runs loss-only over the N ladder; --n applies to every selected workload', () => {
    expect(planRows({ sweep: true, threads: [1] }, ['wasm']).map((r) => [r.workload, r.n])).toEqual(SWEEP_N.map((n) => ['loss-only', n]))
    expect(planRows({ workloads: ['linear', 'mlp-box'], n: [128, 512], threads: [1] }, ['cpu']).map((r) => [r.workload, r.n])).toEqual([
      ['linear', 128],
      ['linear', 512],
      ['mlp-box', 128],
      ['mlp-box', 512],
    ])
  })

  it('keeps every requested thread count, and --quick defaults to one thread', () => {
    const rows = planRows({ workloads: ['loss-only'], threads: [1, 2, 4] }, ['wasm'])
    expect(rows.map((r) => r.threads)).toEqual([1, 2, 4])
    expect(planRows({ workloads: ['loss-only'], quick: true }, ['wasm']).map((r) => r.threads)).toEqual([1])
  })

  it('refuses fewer than three timed runs and a non-positive run length, naming the field', () => {
    for (const [request, field] of [[{ runs: 2 }, 'runs'], [{ minSeconds: 0 }, 'minsec']] as const) {
      let error: unknown
      try {
        planRows(request, ['cpu'])
      } catch (e) {
        error = e
      }
      expect(isClError(error, 'CL_INVALID_CONFIG')).toBe(true)
      expect((error as { field: string }).field).toBe(field)
    }
  })
})
