import { columnMeans, assertSameRows, toDenseMatrix, type DenseMatrix, type MatrixInput } from './matrix-input.js'

/**
 * Pearson correlation matrix between the columns of `a` [n × da] and of `b` [n × db]: C[k][j] = corr(a_k, b_j),
 * i.e. `np.corrcoef(a.T, b.T)[:da, da:]` as in cl-ica `disentanglement_utils`. A constant column has no defined
 * correlation (numpy gives NaN); here it correlates 0 with everything, so it can never be a good match.
 */
export function pearsonMatrix(a: MatrixInput, b: MatrixInput): number[][] {
  return pearsonMatrixDense(toDenseMatrix(a, 'a'), toDenseMatrix(b, 'b'))
}

/** {@link pearsonMatrix} on already converted matrices. */
export function pearsonMatrixDense(a: DenseMatrix, b: DenseMatrix): number[][] {
  assertSameRows(a, b, 'b')
  const n = a.shape[0]
  const za = standardizedColumns(a)
  const zb = standardizedColumns(b)
  const da = a.shape[1]
  const db = b.shape[1]
  const out: number[][] = []
  for (let k = 0; k < da; k++) {
    const row: number[] = []
    const ck = za.subarray(k * n, (k + 1) * n)
    for (let j = 0; j < db; j++) {
      const cj = zb.subarray(j * n, (j + 1) * n)
      let s = 0
      for (let i = 0; i < n; i++) s += ck[i]! * cj[i]!
      row.push(Math.max(-1, Math.min(1, s)))
    }
    out.push(row)
  }
  return out
}

/** Column-major copy with every column centred and scaled to unit Euclidean norm (zero if constant). */
function standardizedColumns(m: DenseMatrix): Float64Array {
  const [n, d] = m.shape
  const mean = columnMeans(m)
  const out = new Float64Array(n * d)
  for (let j = 0; j < d; j++) {
    let ss = 0
    for (let i = 0; i < n; i++) {
      const c = m.data[i * d + j]! - mean[j]!
      out[j * n + i] = c
      ss += c * c
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0
    for (let i = 0; i < n; i++) out[j * n + i]! *= inv
  }
  return out
}
