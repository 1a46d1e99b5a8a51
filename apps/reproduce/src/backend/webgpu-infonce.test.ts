import { describe, it, expect } from 'vitest'
import * as tf from '@tensorflow/tfjs'

import { cosineInfoNce, lpInfoNce, ntXent } from '@cl/infonce'

import { withGpuErrorScope } from './webgpu-guards.js'
import { probeWebGpu } from './webgpu-probe.js'
import { registerWebGpuBackend } from './webgpu-register.js'

/**
 * The fused InfoNCE losses take the tiled stock-op path on WebGPU (no prebuilt kernel is registered there): their
 * values and gradients must match the cpu backend. Small N with a small tile, so several tiles, partial tiles and
 * self-masked tiles are exercised on a software adapter in seconds. `CL_WEBGPU_INFONCE_N` overrides N (e.g. 6144 for a
 * manual check at the batch size; the default tile size is then used).
 */
const probe = await probeWebGpu(
  process.env['WEBGPU_ROUTE'] === 'vulkan' || process.env['WEBGPU_ROUTE'] === 'opengles' || process.env['WEBGPU_ROUTE'] === 'default'
    ? { route: process.env['WEBGPU_ROUTE'] }
    : {},
)
const noAdapter = !probe.ok

/** Deterministic pseudo-random data (same on every backend). */
function lcgData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 32 - 0.5
  }
  return out
}

describe('fused InfoNCE on webgpu (tiled path)', () => {
  it.skipIf(noAdapter)('values and gradients match the cpu backend', async () => {
    if (!probe.ok) return
    await registerWebGpuBackend(probe.adapter.route)
    expect(await tf.setBackend('webgpu')).toBe(true)
    tf.env().set('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD', 0)

    const n = Number(process.env['CL_WEBGPU_INFONCE_N'] ?? 75)
    const tileSize = process.env['CL_WEBGPU_INFONCE_N'] === undefined ? 32 : undefined
    const d = 10
    const fData = lcgData(n * d, 3)
    const fpData = lcgData(n * d, 4).map((v, i) => fData[i]! + 0.1 * v)
    const tau = [0.5, 0.5, 1, 1, 1, 1, 1, 1, 0.7, 0.7]
    // checkFinite: false — the non-finite check reads data synchronously, which WebGPU in Node cannot do.
    const common = { checkFinite: false as const, ...(tileSize === undefined ? {} : { tileSize }) }
    const losses: [string, (f: tf.Tensor2D, fp: tf.Tensor2D) => tf.Scalar][] = [
      ['lp p=2', (f, fp) => lpInfoNce(f, fp, { ...common, tau: 1 }).total],
      ['lp p=1, excl. self, per-dim τ', (f, fp) => lpInfoNce(f, fp, { ...common, p: 1, tau, negatives: 'batch-excluding-self' }).total],
      ['cosine, per-dim τ', (f, fp) => cosineInfoNce(f, fp, { ...common, tau }).total],
      ['nt-xent', (f, fp) => ntXent(f, fp, { ...common, tau: 0.5 }).total],
    ]
    const compute = async () => {
      const out: Record<string, number[]> = {}
      for (const [name, loss] of losses) {
        const f = tf.tensor2d(fData, [n, d])
        const fp = tf.tensor2d(fpData, [n, d])
        const value = loss(f, fp)
        const [gf] = tf.grads((x: tf.Tensor) => loss(x as tf.Tensor2D, fp))([f])
        out[name] = [...((await value.data()) as Float32Array), ...((await gf!.data()) as Float32Array)]
        tf.dispose([f, fp, value, gf!])
      }
      return out
    }
    const t0 = performance.now()
    const gpu = await withGpuErrorScope(compute)
    const gpuMs = performance.now() - t0
    await tf.setBackend('cpu')
    const cpu = await compute()
    await tf.setBackend('webgpu')
    for (const [name] of losses) {
      const [a, b] = [gpu[name]!, cpu[name]!]
      const scale = Math.max(...b.slice(1).map(Math.abs))
      console.info(`[webgpu] ${name}, N = ${n}: loss ${a[0]} (cpu ${b[0]}) in ${gpuMs.toFixed(0)} ms for all losses`)
      expect(Math.abs(a[0]! - b[0]!), `${name} value`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[0]!)))
      let worst = 0
      for (let i = 1; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
      expect(worst, `${name} gradient`).toBeLessThanOrEqual(1e-3 * scale)
    }
  })
})
