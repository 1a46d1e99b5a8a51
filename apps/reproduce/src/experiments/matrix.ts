/** Small dense float64 matrices (row-major `number[][]`): W·A_g, the linear theory of Appx. C. */
export type Mat = number[][]

export function zeros(rows: number, cols: number): Mat {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0))
}

export function matMul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): Mat {
  const n = a.length
  const k = b.length
  const m = b[0]!.length
  const out = zeros(n, m)
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const v = a[i]![l]!
      if (v === 0) continue
      const bl = b[l]!
      const oi = out[i]!
      for (let j = 0; j < m; j++) oi[j]! += v * bl[j]!
    }
  }
  return out
}

export function transpose(a: readonly (readonly number[])[]): Mat {
  return a[0]!.map((_, j) => a.map((row) => row[j]!))
}

/** α·a + β·b (same shapes). */
export function combine(alpha: number, a: readonly (readonly number[])[], beta: number, b: readonly (readonly number[])[]): Mat {
  return a.map((row, i) => row.map((v, j) => alpha * v + beta * b[i]![j]!))
}

export function scale(alpha: number, a: readonly (readonly number[])[]): Mat {
  return a.map((row) => row.map((v) => alpha * v))
}

export function frobenius(a: readonly (readonly number[])[]): number {
  return Math.sqrt(a.reduce((s, row) => s + row.reduce((t, v) => t + v * v, 0), 0))
}

/** ‖measured − predicted‖_F / ‖predicted‖_F. */
export function relativeError(measured: readonly (readonly number[])[], predicted: readonly (readonly number[])[]): number {
  return frobenius(combine(1, measured, -1, predicted)) / frobenius(predicted)
}

/** A·diag(v)·Aᵀ. */
export function congruenceDiag(a: readonly (readonly number[])[], v: readonly number[]): Mat {
  return matMul(a.map((row) => row.map((x, k) => x * v[k]!)), transpose(a))
}
