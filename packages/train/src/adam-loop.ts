/**
 * One Adam update of a single parameter as a plain loop over float32 arrays (used by `createAdam` on the `cpu` and
 * `wasm` backends, where a training step is otherwise ~12 tfjs kernels per parameter). Every operation is rounded to
 * float32 in the same order as the tensor formulation in adam.ts — m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * p ← p − (m / (√v / √bc₂ + ε)) · (lr / bc₁) — so the result is bit-identical to it: a double-precision +, −, ×, ÷ or √
 * of float32 operands rounded once to float32 equals the float32 operation (53 ≥ 2·24 + 2).
 */
export interface AdamLoopConstants {
  /** float32 β₁, 1 − β₁, β₂, 1 − β₂, ε, lr / bc₁ and √bc₂ of this step (as the tensor path's scalars hold them). */
  readonly beta1: number
  readonly oneMinusBeta1: number
  readonly beta2: number
  readonly oneMinusBeta2: number
  readonly epsilon: number
  readonly stepSize: number
  readonly bc2Sqrt: number
  /** float32 coupled weight decay wd (g ← g + p·wd first, as the tensor path's add(g, mul(p, wd))); 0: none. */
  readonly weightDecay?: number
}

/** Write the updated p, m and v into `pOut`, `mOut`, `vOut` (which may alias the inputs). */
export function adamLoop(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: AdamLoopConstants,
  pOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
): void {
  const f = Math.fround
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, stepSize, bc2Sqrt } = c
  const wd = c.weightDecay ?? 0
  for (let i = 0; i < p.length; i++) {
    const gi = wd === 0 ? g[i]! : f(g[i]! + f(p[i]! * wd))
    const mNew = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1))
    const vNew = f(f(v[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2))
    const denom = f(f(f(Math.sqrt(vNew)) / bc2Sqrt) + epsilon)
    pOut[i] = f(p[i]! - f(f(mNew / denom) * stepSize))
    mOut[i] = mNew
    vOut[i] = vNew
  }
}
