import * as tf from '@tensorflow/tfjs'
import { MASK_VALUE } from './logsumexp.js'
import type { PairwiseLseAttrs } from './pairwise-lse-kernel.js'

/**
 * The fused pairwise log-sum-exp (contract: `pairwise-lse-kernel.ts`) written with stock tfjs ops, one
 * `tileSize × tileSize` block of the N×M logit matrix at a time — the path of every backend without the prebuilt
 * kernel (WebGPU, WebGL, tensorflow). Memory O((N + M)·d + tileSize²): no N×M buffer is ever built.
 *
 * Forward: per tile, one softmax P_t = softmax(ℓ_tile) and the tile's logsumexp lse_t = rowmax ℓ − log rowmax P_t
 * (the softmax is 1/Σ exp(ℓ − max) at the maximum); the tiles of a row are combined by a small logsumexp over
 * [N, column tiles] (equivalent to the online m' = max(m, rowmax), s' = s·exp(m − m') + Σ exp(ℓ − m') recurrence).
 * tfjs-wasm's softmax is vectorised while its `exp` and `minimum` are not (measured 12 vs 54 and 46 ns per element).
 * Backward: each tile is recomputed; P = P_t·exp(lse_t − lse) per row and G = dy ⊙ P, so for the matmul forms (dot,
 * p = 2) G is never built: its row scale r = dy·exp(lse_t − lse) multiplies P_t·b afterwards and a before aᵀP_t.
 * Other p go dimension by dimension with elementwise ops on the tile.
 *
 * Every matmul is a plain (non-transposed) one: tfjs-wasm sends only `matMul` without transposeA/transposeB to
 * XNNPACK; its transposed fallback was ~10× slower (measured, tfjs-wasm 4.22). The candidates are transposed once
 * (O(M·d)), a tile never. Intermediates of tile size are disposed as soon as they are used, so about two tile-sized
 * buffers are alive at a time. Both functions take a [d] weight vector `w` and return tensors owned by the caller.
 */

/** Default rows × columns of one tile (4 MB per tile-sized float32 buffer). */
export const DEFAULT_TILE_SIZE = 1024

/** cl-ica adds 1e-12 inside |·| for p < 1 (the same constant as `distance.ts`). */
const SMALL_P_EPS = 1e-12

interface Range {
  readonly start: number
  readonly size: number
}

function ranges(total: number, tile: number): Range[] {
  const out: Range[] = []
  for (let start = 0; start < total; start += tile) out.push({ start, size: Math.min(tile, total - start) })
  return out
}

/** Column tile of the candidates, prepared once per call (O(M·d) in all). */
interface ColumnTile extends Range {
  /** Right factor of the logits matmul: bᵀ [d, tc] (dot) or [bᵀ; 1; ‖b‖²_w] [d + 2, tc] (p = 2). */
  readonly right?: tf.Tensor2D
  /** Row k of bᵀ as [1, tc], one per dimension (other p). */
  readonly bRows?: tf.Tensor2D[]
}

/** Row tile of the anchors. */
interface RowTile extends Range {
  /** Left factor of the logits matmul: a ⊙ w [tr, d] (dot) or [2·a ⊙ w, −‖a‖²_w, −1] [tr, d + 2] (p = 2). */
  readonly left?: tf.Tensor2D
  /** Column k of a as [tr, 1], one per dimension (other p). */
  readonly aCols?: tf.Tensor2D[]
}

/** Whether the form is computed dimension by dimension (Lp with p ≠ 2) instead of by matmuls. */
function perDimension(attrs: PairwiseLseAttrs): boolean {
  return attrs.form === 'lp' && attrs.p !== 2
}

function prepareColumns(b: tf.Tensor2D, w: tf.Tensor1D, attrs: PairwiseLseAttrs, tile: number): ColumnTile[] {
  const [m, d] = b.shape
  const bT = tf.transpose(b) as tf.Tensor2D // [d, M], once
  return ranges(m, tile).map((r): ColumnTile => {
    const cols = m <= tile ? bT : (tf.slice(bT, [0, r.start], [d, r.size]) as tf.Tensor2D)
    if (attrs.form === 'dot') return { ...r, right: cols }
    if (attrs.p === 2) {
      const normB = tf.matMul(tf.reshape(w, [1, d]), tf.square(cols)) // [1, tc]
      return { ...r, right: tf.concat([cols, tf.ones([1, r.size]), normB], 0) as tf.Tensor2D }
    }
    return { ...r, bRows: tf.split(cols, d, 0) as tf.Tensor2D[] }
  })
}

function prepareRows(rows: tf.Tensor2D, w: tf.Tensor1D, attrs: PairwiseLseAttrs, r: Range): RowTile {
  const d = rows.shape[1]
  if (attrs.form === 'dot') return { ...r, left: tf.mul(rows, w) as tf.Tensor2D }
  if (attrs.p === 2) {
    const aw = tf.mul(rows, w)
    const normA = tf.sum(tf.mul(aw, rows), 1, true)
    return { ...r, left: tf.concat([tf.mul(aw, 2), tf.neg(normA), tf.fill([r.size, 1], -1)], 1) as tf.Tensor2D }
  }
  return { ...r, aCols: tf.split(rows, d, 1) as tf.Tensor2D[] }
}

/** y = f(x), then dispose x: x is an intermediate of this module, dropped as soon as it is used (tile² memory). */
function then<T extends tf.Tensor>(x: tf.Tensor, f: (x: tf.Tensor) => T): T {
  const y = f(x)
  x.dispose()
  return y
}

/** x + y, disposing both (accumulators and tile intermediates). */
function addOwned<T extends tf.Tensor>(x: T | undefined, y: T): T {
  if (x === undefined) return y
  const sum = tf.add(x, y) as T
  tf.dispose([x, y])
  return sum
}

/** |a − b| per pair of a column [tr, 1] and a row [1, tc] (+ 1e-12 for p < 1, as cl-ica and `distance.ts`). */
function pairAbs(aCol: tf.Tensor, bRow: tf.Tensor, p: number): tf.Tensor {
  const abs = then(tf.sub(aCol, bRow), tf.abs)
  return p < 1 ? then(abs, (x) => tf.add(x, SMALL_P_EPS)) : abs
}

/** |x|^q of |x| ≥ 0 (disposes the input unless q = 1); cheap ops for the common q (wasm's Pow is ~10× an Abs). */
function powAbs(abs: tf.Tensor, q: number): tf.Tensor {
  if (q === 1) return abs
  if (q === 2) return then(abs, tf.square)
  if (q === 0.5) return then(abs, tf.sqrt)
  if (q === -0.5) return then(abs, tf.rsqrt)
  if (q === 3) return then(abs, (x) => then(tf.square(x), (sq) => tf.mul(sq, x)))
  return then(abs, (x) => tf.pow(x, q))
}

/**
 * The logits ℓ of one tile, [tr, tc], without the self mask. The p = 2 matmul form 2·(a⊙w)bᵀ − ‖a‖²_w − ‖b‖²_w is
 * not clamped to ≤ 0 as in `negPairwiseLpDistance`: for coincident points rounding leaves ℓ ≈ ±1e-7·‖a‖²_w, which
 * changes lse by as little, and wasm's Minimum costs as much as the matmul itself.
 */
function tileLogits(row: RowTile, col: ColumnTile, negW: readonly tf.Tensor[], attrs: PairwiseLseAttrs): tf.Tensor2D {
  if (col.right !== undefined) return tf.matMul(row.left!, col.right)
  let acc: tf.Tensor | undefined
  row.aCols!.forEach((aCol, k) => {
    const term = then(powAbs(pairAbs(aCol, col.bRows![k]!, attrs.p), attrs.p), (x) => tf.mul(x, negW[k]!))
    acc = addOwned(acc, term)
  })
  return acc as tf.Tensor2D
}

/** Per-call cache of self-mask tiles, keyed by (first row − first column, rows, columns); aligned tiles share one. */
type MaskCache = Map<string, tf.Tensor2D>

/**
 * MASK_VALUE at the tile's excluded entries j = i + rowOffset, 0 elsewhere, [tr, tc]; undefined when the tile has none.
 * Built by comparing index ranges, not with `tf.oneHot`: wasm's float32 oneHot writes the on/off values' int32 bits
 * (−1e9 becomes −916.8), and oneHot requires depth ≥ 2.
 */
function selfMask(row: Range, col: Range, attrs: PairwiseLseAttrs, cache: MaskCache): tf.Tensor2D | undefined {
  if (!attrs.excludeSelf) return undefined
  const first = attrs.rowOffset + row.start // global index of the tile's first row
  if (Math.max(first, col.start) >= Math.min(first + row.size, col.start + col.size)) return undefined
  const shift = first - col.start
  const key = `${shift},${row.size},${col.size}`
  let mask = cache.get(key)
  if (mask === undefined) {
    // kept past the tile's tidy; the call disposes the cache at its end (`withMaskCache`)
    mask = tf.keep(tf.tidy(() => {
      const rowCols = tf.reshape(tf.range(shift, shift + row.size, 1, 'int32'), [row.size, 1])
      const cols = tf.reshape(tf.range(0, col.size, 1, 'int32'), [1, col.size])
      return tf.mul(tf.cast(tf.equal(rowCols, cols), 'float32'), MASK_VALUE) as tf.Tensor2D
    }))
    cache.set(key, mask)
  }
  return mask
}

/** Run `fn` with a fresh mask cache and dispose the cached masks afterwards (also on a throw). */
function withMaskCache<T>(fn: (cache: MaskCache) => T): T {
  const cache: MaskCache = new Map()
  try {
    return fn(cache)
  } finally {
    tf.dispose([...cache.values()])
  }
}

/** ℓ of a tile with the excluded entries at ℓ + MASK_VALUE (as the stock `selfMask`). */
function maskedTile(row: RowTile, col: ColumnTile, negW: readonly tf.Tensor[], attrs: PairwiseLseAttrs, cache: MaskCache): tf.Tensor2D {
  const logits = tileLogits(row, col, negW, attrs)
  const mask = selfMask(row, col, attrs, cache)
  return mask === undefined ? logits : (then(logits, (x) => tf.add(x, mask)) as tf.Tensor2D)
}

/**
 * Row-wise softmax of a tile and its logsumexp, from one softmax kernel (vectorised on wasm, where `tf.exp` is ~4×
 * slower): with m = rowmax ℓ, the softmax is 1/Σ_j exp(ℓ_j − m) at the maximum, so lse = m − log max_j P_j.
 */
function softmaxAndLse(logits: tf.Tensor2D, withLse: boolean): { prob: tf.Tensor2D; lse?: tf.Tensor2D } {
  const prob = tf.softmax(logits) as tf.Tensor2D
  if (!withLse) return { prob }
  const lse = tf.tidy(() => tf.sub(tf.max(logits, 1, true), tf.log(tf.max(prob, 1, true)))) as tf.Tensor2D
  return { prob, lse }
}

/** The row without any candidate, if there is one (only when M = 1 and the single candidate is the row itself). */
function emptyRow(n: number, m: number, attrs: PairwiseLseAttrs): number | undefined {
  if (!attrs.excludeSelf || m !== 1) return undefined
  const i = -attrs.rowOffset // the row i with i + rowOffset = 0
  return i >= 0 && i < n ? i : undefined
}

/** x [n] with entry i replaced by `value` (concat of slices; no scatter kernel needed). */
function replaceEntry(x: tf.Tensor1D, i: number, value: number): tf.Tensor1D {
  const n = x.shape[0]
  const pieces = [tf.slice(x, [0], [i]), tf.fill([1], value), tf.slice(x, [i + 1], [n - i - 1])]
  return tf.concat(pieces.filter((t) => t.size > 0)) as tf.Tensor1D
}

/** Rows [start, start + size) of a matrix (the matrix itself when that is all of it). */
function rowsOf(x: tf.Tensor2D, r: Range): tf.Tensor2D {
  return r.start === 0 && r.size === x.shape[0] ? x : (tf.slice(x, [r.start, 0], [r.size, -1]) as tf.Tensor2D)
}

/** Negated per-dimension weights −w_k as d scalars-of-shape-[1] (other p), none otherwise. */
function negatedWeights(w: tf.Tensor1D, attrs: PairwiseLseAttrs): tf.Tensor[] {
  return perDimension(attrs) ? tf.split(tf.neg(w), w.shape[0]) : []
}

/**
 * Forward: `lse` [N] of the contract, and `tileLse` [N, column tiles], the logsumexp of each row over each column tile
 * (the backward pass rebuilds P from a tile's softmax with it). Tile by tile; the tile results are combined by one
 * small row-wise logsumexp.
 */
export function tiledPairwiseLseForward(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  w: tf.Tensor1D,
  attrs: PairwiseLseAttrs,
  tileSize: number = DEFAULT_TILE_SIZE,
): { lse: tf.Tensor1D; tileLse: tf.Tensor2D } {
  return withMaskCache((cache) => tf.tidy(() => {
    const [n] = a.shape
    const [m] = b.shape
    const negW = negatedWeights(w, attrs)
    const cols = prepareColumns(b, w, attrs, tileSize)
    const rowParts = ranges(n, tileSize).map((r) => {
      const row = prepareRows(rowsOf(a, r), w, attrs, r)
      const perTile = cols.map((col) =>
        tf.tidy(() => {
          const logits = maskedTile(row, col, negW, attrs, cache)
          const { prob, lse } = softmaxAndLse(logits, true)
          tf.dispose([prob, logits])
          return lse!
        }),
      )
      return perTile.length === 1 ? perTile[0]! : tf.concat(perTile, 1)
    })
    const tileLse = (rowParts.length === 1 ? rowParts[0]! : tf.concat(rowParts, 0)) as tf.Tensor2D
    let lse = (cols.length === 1 ? tf.reshape(tileLse, [n]) : rowLogSumExp(tileLse)) as tf.Tensor1D
    const empty = emptyRow(n, m, attrs)
    // The contract: a row without candidates is exactly MASK_VALUE (not its masked logit ℓ + MASK_VALUE).
    if (empty !== undefined) lse = replaceEntry(lse, empty, MASK_VALUE)
    return { lse, tileLse }
  }))
}

/** log Σ_j exp x_ij per row of a small [N, k] matrix. */
function rowLogSumExp(x: tf.Tensor2D): tf.Tensor1D {
  const m = tf.max(x, 1, true)
  return tf.reshape(tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(x, m)), 1, true))), [x.shape[0]]) as tf.Tensor1D
}

/** Σ over rows of a [tr, c] matrix as [1, c], by a plain matmul with ones [1, tr] (no transposed reduction). */
function columnSums(ones: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(ones, x)
}

/** Per-tile contributions of the backward pass (see `finishRows` / `finishColumns`). */
type TileGrads = {
  /** Row-side accumulator, [tr, ·]. */
  readonly rowSide: tf.Tensor2D
  /** Transposed column-side accumulator, [·, tc]. */
  readonly colSide: tf.Tensor2D
  /** −Σ G ⊙ |a − b|^p per dimension (other p only), [d]. */
  readonly dw?: tf.Tensor1D
}

/**
 * Backward: [da [N, d], db [M, d], dw [d]], the gradient of Σ_i dy_i·lse_i (contract formulas), recomputing each tile.
 * G = dy ⊙ P with P = softmax_tile(ℓ) · exp(tileLse − lse) per row, so G itself is never materialised for the matmul
 * forms: its row scale r = dy·exp(tileLse − lse) is applied to G·b afterwards and to a before aᵀG. Excluded entries
 * have P = 0; a row without candidates passes no gradient.
 */
export function tiledPairwiseLseBackward(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  w: tf.Tensor1D,
  lse: tf.Tensor1D,
  tileLse: tf.Tensor2D,
  dy: tf.Tensor1D,
  attrs: PairwiseLseAttrs,
  tileSize: number = DEFAULT_TILE_SIZE,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  return withMaskCache((cache) => tf.tidy(() => {
    const [n, d] = a.shape
    const [m] = b.shape
    const { form, p } = attrs
    const general = perDimension(attrs)
    const negW = negatedWeights(w, attrs)
    const cols = prepareColumns(b, w, attrs, tileSize)
    // Right factor of G·b: b [tc, d] (dot) or [b, 1] [tc, d + 1] (p = 2: the last column of G·[b, 1] is rowsum G).
    const bRight = general
      ? []
      : cols.map((c) => {
          const bc = rowsOf(b, c)
          return form === 'dot' ? bc : (tf.concat([bc, tf.ones([c.size, 1])], 1) as tf.Tensor2D)
        })
    // Row scale r_ic = dy_i·exp(tileLse_ic − lse_i), [N, column tiles]; 0 for a row without candidates.
    const empty = emptyRow(n, m, attrs)
    const dyLive = empty === undefined ? dy : replaceEntry(dy, empty, 0)
    const scale = tf.mul(tf.exp(tf.sub(tileLse, tf.reshape(lse, [n, 1]))), tf.reshape(dyLive, [n, 1])) as tf.Tensor2D
    const colAcc: (tf.Tensor2D | undefined)[] = cols.map(() => undefined)
    const daParts: tf.Tensor2D[] = []
    let dw: tf.Tensor1D | undefined
    for (const r of ranges(n, tileSize)) {
      const aRows = rowsOf(a, r)
      const row = prepareRows(aRows, w, attrs, r)
      // Left factor of Gᵀa as a plain matmul aᵀG: aᵀ [d, tr] (dot) or [a, 1]ᵀ [d + 1, tr] (p = 2: colsum G rides along).
      const aLeft = general
        ? undefined
        : (tf.transpose(form === 'dot' ? aRows : tf.concat([aRows, tf.ones([r.size, 1])], 1)) as tf.Tensor2D)
      const ones = tf.ones([1, r.size]) as tf.Tensor2D
      const scaleR = rowsOf(scale, r)
      let rowAcc: tf.Tensor2D | undefined
      let dwAcc: tf.Tensor1D | undefined
      cols.forEach((col, c) => {
        const grads = tf.tidy<TileGrads>(() => {
          const rc = tf.slice(scaleR, [0, c], [r.size, 1]) // [tr, 1]
          const prob = then(maskedTile(row, col, negW, attrs, cache), (x) => softmaxAndLse(x as tf.Tensor2D, false).prob)
          if (!general) {
            // dot: G·b = r ⊙ (P·b), aᵀG = (a ⊙ r)ᵀ P; p = 2 the same with [b, 1] and [a, 1] (row/column sums ride along).
            const rowSide = then(tf.matMul(prob, bRight[c]!), (x) => tf.mul(x, rc)) as tf.Tensor2D
            const colSide = then(prob, (pr) => tf.matMul(tf.mul(aLeft!, tf.reshape(rc, [1, r.size])), pr as tf.Tensor2D)) as tf.Tensor2D
            return { rowSide, colSide }
          }
          const g = then(prob, (x) => tf.mul(x, rc)) as tf.Tensor2D // G = dy ⊙ P
          // Other p, dimension by dimension: ∂|a − b|^p/∂a = p·|a − b|^(p−1)·sign(a − b), with sign 0 at a = b (the
          // self pair of a shared a = b then contributes exactly 0 on both sides).
          const rowSums: tf.Tensor[] = []
          const colSums: tf.Tensor[] = []
          const dwEntries: tf.Tensor[] = []
          row.aCols!.forEach((aCol, k) => {
            const bRow = col.bRows![k]!
            const abs = pairAbs(aCol, bRow, p)
            const sign = then(tf.sub(aCol, bRow), tf.sign)
            const powPm1 = p === 1 ? undefined : powAbs(tf.clone(abs), p - 1)
            const slope = powPm1 === undefined ? sign : then(sign, (s) => tf.mul(s, powPm1))
            const gs = then(slope, (x) => tf.mul(x, g)) as tf.Tensor2D
            rowSums.push(tf.sum(gs, 1, true))
            colSums.push(then(gs, (x) => columnSums(ones, x as tf.Tensor2D)))
            const absP = powPm1 === undefined ? abs : then(abs, (x) => then(powPm1, (q) => tf.mul(x, q)))
            dwEntries.push(then(then(absP, (x) => tf.mul(x, g)), (x) => tf.reshape(tf.sum(x), [1])))
          })
          return {
            rowSide: tf.concat(rowSums, 1) as tf.Tensor2D,
            colSide: tf.concat(colSums, 0) as tf.Tensor2D,
            dw: tf.neg(tf.concat(dwEntries)) as tf.Tensor1D,
          }
        })
        rowAcc = addOwned(rowAcc, grads.rowSide)
        colAcc[c] = addOwned(colAcc[c], grads.colSide)
        if (grads.dw !== undefined) dwAcc = addOwned(dwAcc, grads.dw)
      })
      const [daR, dwR] = tf.tidy(() => finishRows(aRows, w, rowAcc!, dwAcc, attrs))
      tf.dispose([rowAcc!, ...(dwAcc === undefined ? [] : [dwAcc])])
      daParts.push(daR)
      dw = addOwned(dw, dwR)
    }
    const colAll = (colAcc.length === 1 ? colAcc[0]! : tf.concat(colAcc as tf.Tensor2D[], 1)) as tf.Tensor2D
    const [db, dwCols] = finishColumns(b, w, tf.transpose(colAll) as tf.Tensor2D, attrs)
    const da = (daParts.length === 1 ? daParts[0]! : tf.concat(daParts, 0)) as tf.Tensor2D
    return [da, db, (dwCols === undefined ? dw! : tf.add(dw!, dwCols)) as tf.Tensor1D]
  }))
}

/**
 * da of a row tile and its share of dw, from the row-side accumulator:
 *   dot   acc = G·b:               da = acc ⊙ w,                 dw += Σ_i a ⊙ acc
 *   p = 2 acc = G·[b, 1] = [Gb, rs]: da = −2w ⊙ (rs·a − Gb),     dw += −Σ_i (rs·a² − 2 a ⊙ Gb)
 *   other acc = Σ_j G ⊙ slope:     da = −p·w ⊙ acc,              dw += −Σ_ij G ⊙ |a − b|^p (accumulated per tile)
 */
function finishRows(
  a: tf.Tensor2D,
  w: tf.Tensor1D,
  acc: tf.Tensor2D,
  dwAcc: tf.Tensor1D | undefined,
  attrs: PairwiseLseAttrs,
): [tf.Tensor2D, tf.Tensor1D] {
  const [tr, d] = a.shape
  const ones = tf.ones([1, tr]) as tf.Tensor2D
  if (attrs.form === 'dot') {
    return [tf.mul(acc, w) as tf.Tensor2D, tf.reshape(columnSums(ones, tf.mul(a, acc) as tf.Tensor2D), [d]) as tf.Tensor1D]
  }
  if (attrs.p === 2) {
    const gb = tf.slice(acc, [0, 0], [tr, d])
    const rs = tf.slice(acc, [0, d], [tr, 1])
    const da = tf.mul(tf.sub(tf.mul(rs, a), gb), tf.mul(w, -2)) as tf.Tensor2D
    const perRow = tf.sub(tf.mul(rs, tf.square(a)), tf.mul(tf.mul(a, gb), 2)) as tf.Tensor2D
    return [da, tf.reshape(tf.neg(columnSums(ones, perRow)), [d]) as tf.Tensor1D]
  }
  return [tf.mul(acc, tf.mul(w, -attrs.p)) as tf.Tensor2D, tf.clone(dwAcc!)]
}

/**
 * db from the column-side accumulator (transposed back to [M, ·]):
 *   dot   acc = Gᵀa:                db = acc ⊙ w
 *   p = 2 acc = Gᵀ[a, 1] = [Gᵀa, cs]: db = 2w ⊙ (Gᵀa − cs·b),  dw += −Σ_j cs·b²
 *   other acc = Σ_i G ⊙ slope:      db = p·w ⊙ acc
 */
function finishColumns(
  b: tf.Tensor2D,
  w: tf.Tensor1D,
  acc: tf.Tensor2D,
  attrs: PairwiseLseAttrs,
): [tf.Tensor2D, tf.Tensor1D | undefined] {
  const [m, d] = b.shape
  if (attrs.form === 'dot') return [tf.mul(acc, w) as tf.Tensor2D, undefined]
  if (attrs.p === 2) {
    const gta = tf.slice(acc, [0, 0], [m, d])
    const cs = tf.slice(acc, [0, d], [m, 1])
    const db = tf.mul(tf.sub(gta, tf.mul(cs, b)), tf.mul(w, 2)) as tf.Tensor2D
    const dw = tf.neg(tf.matMul(tf.reshape(cs, [1, m]), tf.square(b)))
    return [db, tf.reshape(dw, [d]) as tf.Tensor1D]
  }
  return [tf.mul(acc, tf.mul(w, attrs.p)) as tf.Tensor2D, undefined]
}
