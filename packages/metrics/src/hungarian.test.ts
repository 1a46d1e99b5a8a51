import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { linearSumAssignment } from './hungarian.js'

/** Brute force over all injective maps of the smaller side into the larger one. */
function bruteForce(cost: number[][], maximize: boolean): number {
  const r = cost.length
  const c = cost[0]!.length
  const t = r <= c ? cost : Array.from({ length: c }, (_, j) => cost.map((row) => row[j]!))
  const n = t.length
  const m = t[0]!.length
  let best = maximize ? -Infinity : Infinity
  const used = new Array<boolean>(m).fill(false)
  const rec = (i: number, acc: number) => {
    if (i === n) {
      best = maximize ? Math.max(best, acc) : Math.min(best, acc)
      return
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue
      used[j] = true
      rec(i + 1, acc + t[i]![j]!)
      used[j] = false
    }
  }
  rec(0, 0)
  return best
}

function checkValid(cost: number[][], rows: number[], cols: number[]): number {
  expect(rows.length).toBe(Math.min(cost.length, cost[0]!.length))
  expect(new Set(rows).size).toBe(rows.length)
  expect(new Set(cols).size).toBe(cols.length)
  expect([...rows].sort((a, b) => a - b)).toEqual(rows)
  return rows.reduce((s, r, i) => s + cost[r]![cols[i]!]!, 0)
}

describe('linearSumAssignment', () => {
  it('matches brute force over all permutations for square n ≤ 7 (continuous and tie-heavy integer costs)', () => {
    const rng = createRng(20)
    for (let n = 1; n <= 7; n++) {
      for (let trial = 0; trial < 12; trial++) {
        const integer = trial % 2 === 1
        const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => (integer ? rng.int(4) : rng.normal() * 10)))
        for (const maximize of [false, true]) {
          const a = linearSumAssignment(cost, { maximize })
          const total = checkValid(cost, a.rowIndices, a.colIndices)
          expect(a.total).toBeCloseTo(total, 10)
          expect(total).toBeCloseTo(bruteForce(cost, maximize), 9)
        }
      }
    }
  })

  it('matches brute force for rectangular matrices (both orientations)', () => {
    const rng = createRng(21)
    for (const [r, c] of [[2, 5], [5, 2], [3, 7], [7, 4], [1, 6], [6, 1]] as const) {
      for (let trial = 0; trial < 6; trial++) {
        const cost = Array.from({ length: r }, () => Array.from({ length: c }, () => rng.uniformRange(-3, 3)))
        for (const maximize of [false, true]) {
          const a = linearSumAssignment(cost, { maximize })
          const total = checkValid(cost, a.rowIndices, a.colIndices)
          expect(total).toBeCloseTo(bruteForce(cost, maximize), 9)
        }
      }
    }
  })

  it('solves a known 3×3 case and the empty case', () => {
    // scipy docs example: cost [[4,1,3],[2,0,5],[3,2,2]] → rows [0,1,2], cols [1,0,2], total 5
    const a = linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    expect(a).toEqual({ rowIndices: [0, 1, 2], colIndices: [1, 0, 2], total: 5 })
    expect(linearSumAssignment([])).toEqual({ rowIndices: [], colIndices: [], total: 0 })
  })

  it('handles a 60×60 problem (O(n³)) and beats every random permutation', () => {
    const rng = createRng(22)
    const n = 60
    const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.uniform()))
    const a = linearSumAssignment(cost)
    for (let t = 0; t < 200; t++) {
      const perm = Array.from({ length: n }, (_, i) => i)
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1)
        ;[perm[i], perm[j]] = [perm[j]!, perm[i]!]
      }
      expect(perm.reduce((s, j, i) => s + cost[i]![j]!, 0)).toBeGreaterThanOrEqual(a.total - 1e-12)
    }
    // identity-optimal: a diagonal of zeros among ones
    const diag = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : 1)))
    expect(linearSumAssignment(diag).colIndices).toEqual(Array.from({ length: n }, (_, i) => i))
  })

  it('rejects ragged and non-finite costs', () => {
    expect(() => linearSumAssignment([[1, 2], [3]])).toThrow(/cost\[1\]/)
    expect(() => linearSumAssignment([[1, Number.NaN]])).toThrow(/NaN|Infinity/)
  })
})
