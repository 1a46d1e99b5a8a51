import { PairwiseLseKernelError } from './errors.js'
import { instantiateKernel, type KernelExports } from './wasm-module.js'

/** Form codes of the C kernel (csrc/pairwise_lse.c). */
export const FORM_DOT = 0
export const FORM_P2 = 1
export const FORM_P1 = 2
export const FORM_PGEN = 3

/** One pairwise log-sum-exp problem on host arrays (row-major a [n, d], b [m, d], w [d]). */
export interface LseProblem {
  readonly a: Float32Array
  readonly b: Float32Array
  readonly w: Float32Array
  readonly n: number
  readonly m: number
  readonly d: number
  /** FORM_DOT, FORM_P2, FORM_P1 or FORM_PGEN */
  readonly form: number
  readonly p: number
  readonly excludeSelf: boolean
  readonly rowOffset: number
}

/** The backward's extra inputs. */
export interface LseCotangent {
  readonly lse: Float32Array
  readonly dy: Float32Array
}

/**
 * One instance of the wasm kernel with its own linear memory: copies a block of rows in, runs the C kernel, copies the
 * results out. The workspace grows only when a call needs more than every earlier one (memory is never returned, as
 * with any wasm heap).
 */
export class LseInstance {
  private readonly x: KernelExports

  constructor() {
    this.x = instantiateKernel()
  }

  /** Bytes of the instance's linear memory. */
  memoryBytes(): number {
    return this.x.memory.buffer.byteLength
  }

  private load(pr: LseProblem, r0: number, r1: number): number {
    const n = r1 - r0
    if (this.x.cl_workspace(n, pr.m, pr.d) !== 0) {
      throw new PairwiseLseKernelError('memory', `cannot grow the wasm memory for ${n} rows × ${pr.m} candidates × d = ${pr.d}`)
    }
    const f32 = new Float32Array(this.x.memory.buffer)
    f32.set(pr.a.subarray(r0 * pr.d, r1 * pr.d), this.x.cl_ptr_a() >>> 2)
    f32.set(pr.b.subarray(0, pr.m * pr.d), this.x.cl_ptr_b() >>> 2)
    f32.set(pr.w.subarray(0, pr.d), this.x.cl_ptr_w() >>> 2)
    return n
  }

  /** lse of rows [r0, r1) into lseOut[r0, r1). */
  forward(pr: LseProblem, r0: number, r1: number, lseOut: Float32Array): void {
    if (r1 <= r0) return
    const n = this.load(pr, r0, r1)
    this.x.cl_forward(n, pr.m, pr.d, pr.form, pr.p, pr.excludeSelf ? 1 : 0, pr.rowOffset + r0)
    const f32 = new Float32Array(this.x.memory.buffer)
    const at = this.x.cl_ptr_lse() >>> 2
    lseOut.set(f32.subarray(at, at + n), r0)
  }

  /**
   * Backward of rows [r0, r1): da rows into daOut[r0·d, r1·d), and this block's db [m, d] and dw [d] into dbOut/dwOut
   * (overwritten).
   */
  backward(
    pr: LseProblem,
    ct: LseCotangent,
    r0: number,
    r1: number,
    daOut: Float32Array,
    dbOut: Float32Array,
    dwOut: Float32Array,
  ): void {
    const { d, m } = pr
    if (r1 <= r0) {
      dbOut.fill(0, 0, m * d)
      dwOut.fill(0, 0, d)
      return
    }
    const n = this.load(pr, r0, r1)
    let f32 = new Float32Array(this.x.memory.buffer)
    f32.set(ct.lse.subarray(r0, r1), this.x.cl_ptr_lse() >>> 2)
    f32.set(ct.dy.subarray(r0, r1), this.x.cl_ptr_dy() >>> 2)
    this.x.cl_backward(n, m, d, pr.form, pr.p, pr.excludeSelf ? 1 : 0, pr.rowOffset + r0)
    f32 = new Float32Array(this.x.memory.buffer)
    const da = this.x.cl_ptr_da() >>> 2
    const db = this.x.cl_ptr_db() >>> 2
    const dw = this.x.cl_ptr_dw() >>> 2
    daOut.set(f32.subarray(da, da + n * d), r0 * d)
    dbOut.set(f32.subarray(db, db + m * d))
    dwOut.set(f32.subarray(dw, dw + d))
  }

  /** The kernel's float32 exp (or log) of x.length values (for the accuracy test and docs). */
  elementwise(fn: 'exp' | 'log', x: Float32Array): Float32Array {
    const len = (x.length + 3) & ~3
    if (this.x.cl_workspace(len, len, 1) !== 0) throw new PairwiseLseKernelError('memory', `cannot grow the wasm memory`)
    const inAt = this.x.cl_ptr_a()
    const outAt = this.x.cl_ptr_b()
    const f32 = new Float32Array(this.x.memory.buffer)
    f32.fill(1, inAt >>> 2, (inAt >>> 2) + len)
    f32.set(x, inAt >>> 2)
    if (fn === 'exp') this.x.cl_vexp(inAt, outAt, len)
    else this.x.cl_vlog(inAt, outAt, len)
    return new Float32Array(this.x.memory.buffer).slice(outAt >>> 2, (outAt >>> 2) + x.length)
  }
}

let mainInstance: LseInstance | undefined

/** The calling thread's kernel instance (created on first use). */
export function mainLseInstance(): LseInstance {
  mainInstance ??= new LseInstance()
  return mainInstance
}
