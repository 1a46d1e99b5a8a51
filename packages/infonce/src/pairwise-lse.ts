import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import {
  PAIRWISE_LSE_BACKWARD,
  PAIRWISE_LSE_FORWARD,
  type PairwiseLseAttrs,
} from './pairwise-lse-kernel.js'
import { ensurePairwiseLseKernels, pairwiseLseForceTiled } from './kernel/auto-register.js'
import { DEFAULT_TILE_SIZE, tiledPairwiseLseBackward, tiledPairwiseLseForward } from './tiled-pairwise-lse.js'
import { assertMatrix } from './validate.js'

/** Options of {@link pairwiseLogSumExp}. */
export interface PairwiseLseOptions {
  /**
   * Rows × columns of one tile of the stock-op path (default 1024; memory ≈ a few × 4·tileSize² bytes). Ignored where
   * the fused kernel runs (see `pairwiseLseImplementation`).
   */
  readonly tileSize?: number
}

/** Validate a tile size: an integer ≥ 1 (undefined → the default). */
export function resolveTileSize(tileSize: unknown, field = 'tileSize'): number {
  if (tileSize === undefined) return DEFAULT_TILE_SIZE
  if (typeof tileSize !== 'number' || !Number.isInteger(tileSize) || tileSize < 1) {
    throw new InvalidConfigError(field, 'an integer ≥ 1', tileSize)
  }
  return tileSize
}

function assertAttrs(attrs: PairwiseLseAttrs): void {
  if (typeof attrs !== 'object' || attrs === null) throw new InvalidConfigError('attrs', 'a PairwiseLseAttrs object', attrs)
  if (attrs.form !== 'lp' && attrs.form !== 'dot') throw new InvalidConfigError('attrs.form', "'lp' or 'dot'", attrs.form)
  if (attrs.form === 'lp' && (typeof attrs.p !== 'number' || !Number.isFinite(attrs.p) || !(attrs.p > 0))) {
    throw new InvalidConfigError('attrs.p', 'a finite number > 0', attrs.p)
  }
  if (typeof attrs.excludeSelf !== 'boolean') throw new InvalidConfigError('attrs.excludeSelf', 'a boolean', attrs.excludeSelf)
  if (typeof attrs.rowOffset !== 'number' || !Number.isInteger(attrs.rowOffset) || attrs.rowOffset < 0) {
    throw new InvalidConfigError('attrs.rowOffset', 'an integer ≥ 0', attrs.rowOffset)
  }
}

/** Whether the active backend has the prebuilt kernel `name` (registered by the kernel module, if loaded). */
function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined
}

/** One tensor out of a kernel that may return a tensor or a one-element list. */
function single(out: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(out) ? out[0]! : out
}

/**
 * The differentiable fused op for given attrs. `useKernels`: dispatch to a registered kernel when there is one
 * (the default); `false` always runs the tiled stock-op path (tests, comparisons).
 */
function fusedOp(attrs: PairwiseLseAttrs, tileSize: number, useKernels: boolean) {
  const kernelAttrs = { form: attrs.form, p: attrs.p, excludeSelf: attrs.excludeSelf, rowOffset: attrs.rowOffset }
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, w] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]
    const save = args[3] as tf.GradSaveFunc
    let lse: tf.Tensor1D
    if (useKernels && hasKernel(PAIRWISE_LSE_FORWARD)) {
      lse = single(tf.engine().runKernel(PAIRWISE_LSE_FORWARD, { a, b, w }, kernelAttrs)) as tf.Tensor1D
      save([a, b, w, lse])
    } else {
      const out = tiledPairwiseLseForward(a, b, w, attrs, tileSize)
      lse = out.lse
      save([a, b, w, lse, out.tileLse]) // the per-tile logsumexps let the tiled backward use one softmax per tile
    }
    return {
      value: lse,
      gradFunc: (dy, saved) => {
        const [sa, sb, sw, sLse, sTileLse] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D?]
        const upstream = dy as tf.Tensor1D
        if (useKernels && hasKernel(PAIRWISE_LSE_BACKWARD)) {
          const inputs = { a: sa, b: sb, w: sw, lse: sLse, dy: upstream }
          return tf.engine().runKernel(PAIRWISE_LSE_BACKWARD, inputs, kernelAttrs) as tf.Tensor[]
        }
        return tf.tidy(() => {
          // forward by the kernel, backward tiled (a backend with only the forward kernel): recompute the tile lse
          const tileLse = sTileLse ?? tiledPairwiseLseForward(sa, sb, sw, attrs, tileSize).tileLse
          return tiledPairwiseLseBackward(sa, sb, sw, sLse, tileLse, upstream, attrs, tileSize)
        })
      },
    }
  })
}

/**
 * lse_i = log Σ_{j ∈ J(i)} exp(ℓ_ij) of the logits ℓ between anchors `a` [N, d] and candidates `b` [M, d] with weights
 * `w` = 1/τ (a scalar or [d]), without ever building the N×M logit matrix (the contract in `pairwise-lse-kernel.ts`):
 *   form 'lp':  ℓ_ij = −Σ_k w_k |a_ik − b_jk|^p      form 'dot': ℓ_ij = Σ_k w_k a_ik b_jk
 * J(i) is every candidate, or every j ≠ i + rowOffset with `excludeSelf`; a row without candidates gives MASK_VALUE.
 * Differentiable w.r.t. a, b and w (first order, `tf.customGrad`). On 'wasm' and 'cpu' it runs the prebuilt
 * wasm-SIMD kernel, registered on first use (memory O((N + M)·d)); on other backends, or where the kernel's wasm module
 * failed to compile, the tiled stock-op version (memory O((N + M)·d + tileSize²)); `pairwiseLseImplementation()` says
 * which. A kernel registered by hand for another backend is used too. Returns [N].
 */
export function pairwiseLogSumExp(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  w: tf.Tensor,
  attrs: PairwiseLseAttrs,
  options: PairwiseLseOptions = {},
): tf.Tensor1D {
  return pairwiseLogSumExpWith(a, b, w, attrs, resolveTileSize(options.tileSize), true)
}

/**
 * {@link pairwiseLogSumExp} with the dispatch made explicit (`useKernels: false` forces the tiled path, as does
 * `setPairwiseLseForceTiled(true)`). Internal.
 */
export function pairwiseLogSumExpWith(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  w: tf.Tensor,
  attrs: PairwiseLseAttrs,
  tileSize: number,
  useKernels: boolean,
): tf.Tensor1D {
  assertMatrix('a', a)
  assertMatrix('b', b)
  const d = a.shape[1]
  if (b.shape[1] !== d) throw new ShapeMismatchError('b', [null, d], b.shape)
  if (!(w instanceof tf.Tensor)) throw new InvalidConfigError('w', 'a tf.Tensor (scalar or [d])', w)
  if (!(w.rank === 0 || (w.rank === 1 && w.shape[0] === d))) throw new ShapeMismatchError('w', [d], w.shape)
  assertAttrs(attrs)
  const kernels = useKernels && !pairwiseLseForceTiled()
  if (kernels) ensurePairwiseLseKernels() // lazy, idempotent registration on 'wasm' / 'cpu'
  return tf.tidy(() => {
    // The kernels take w as [d]; a scalar is broadcast here, outside the custom gradient (its gradient sums back).
    const wd = w.rank === 0 ? tf.mul(tf.ones([d]), w) : w
    return fusedOp(attrs, tileSize, kernels)(a, b, wd) as tf.Tensor1D
  })
}
