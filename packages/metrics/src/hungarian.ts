import { NonFiniteError, ShapeMismatchError } from '@cl/core'

/** An optimal assignment: row `rowIndices[i]` is matched with column `colIndices[i]` (scipy convention). */
export interface Assignment {
  /** Matched rows, ascending; min(rows, cols) of them. */
  readonly rowIndices: number[]
  readonly colIndices: number[]
  /** Sum of the matched entries of the original matrix. */
  readonly total: number
}

/**
 * Rectangular linear sum assignment (what scipy `linear_sum_assignment` / `munkres` solve for cl-ica's MCC):
 * choose min(r, c) entries, no two in a row or column, minimising (or with `maximize`, maximising) their sum.
 * Hungarian algorithm with row/column potentials and shortest augmenting paths (Kuhn–Munkres, Jonker–Volgenant
 * style), O(r²·c) for r ≤ c. Hand-written: there is no well-kept small JS library for it.
 */
export function linearSumAssignment(cost: readonly (readonly number[])[], options: { maximize?: boolean } = {}): Assignment {
  const rows = cost.length
  const cols = rows === 0 ? 0 : cost[0]!.length
  for (let i = 0; i < rows; i++) {
    const row = cost[i]!
    if (row.length !== cols) throw new ShapeMismatchError(`cost[${i}]`, [cols], [row.length])
    for (let j = 0; j < cols; j++) if (!Number.isFinite(row[j]!)) throw new NonFiniteError(`cost[${i}][${j}]`)
  }
  if (rows === 0 || cols === 0) return { rowIndices: [], colIndices: [], total: 0 }
  const sign = options.maximize ? -1 : 1
  const transposed = rows > cols
  const n = transposed ? cols : rows // n ≤ m
  const m = transposed ? rows : cols
  const a = new Float64Array(n * m)
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a[i * m + j] = sign * (transposed ? cost[j]![i]! : cost[i]![j]!)

  const colFor = solveAssignment(a, n, m)

  const pairs: [number, number][] = []
  for (let i = 0; i < n; i++) pairs.push(transposed ? [colFor[i]!, i] : [i, colFor[i]!])
  pairs.sort((p, q) => p[0] - q[0])
  let total = 0
  for (const [r, c] of pairs) total += cost[r]![c]!
  return { rowIndices: pairs.map((p) => p[0]), colIndices: pairs.map((p) => p[1]), total }
}

/**
 * Core Hungarian step for an n×m cost (n ≤ m, row-major): adds rows one by one, each time growing a shortest-path
 * tree over columns with reduced costs a[i][j] − u[i] − v[j] ≥ 0 and augmenting along it. Returns the column of
 * every row.
 */
function solveAssignment(a: Float64Array, n: number, m: number): Int32Array {
  // 1-based with a virtual column 0, as in the classic formulation.
  const u = new Float64Array(n + 1)
  const v = new Float64Array(m + 1)
  const rowOfCol = new Int32Array(m + 1) // rowOfCol[j] = 1-based row matched to column j (0 = free)
  const way = new Int32Array(m + 1)
  const minv = new Float64Array(m + 1)
  const used = new Uint8Array(m + 1)
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i
    let j0 = 0
    minv.fill(Infinity)
    used.fill(0)
    do {
      used[j0] = 1
      const i0 = rowOfCol[j0]!
      let delta = Infinity
      let j1 = -1
      const base = (i0 - 1) * m
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue
        const cur = a[base + j - 1]! - u[i0]! - v[j]!
        if (cur < minv[j]!) {
          minv[j] = cur
          way[j] = j0
        }
        if (minv[j]! < delta) {
          delta = minv[j]!
          j1 = j
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOfCol[j]!]! += delta
          v[j]! -= delta
        } else {
          minv[j]! -= delta
        }
      }
      j0 = j1
    } while (rowOfCol[j0] !== 0)
    do {
      const j1 = way[j0]!
      rowOfCol[j0] = rowOfCol[j1]!
      j0 = j1
    } while (j0 !== 0)
  }
  const colFor = new Int32Array(n)
  for (let j = 1; j <= m; j++) if (rowOfCol[j]! > 0) colFor[rowOfCol[j]! - 1] = j - 1
  return colFor
}
