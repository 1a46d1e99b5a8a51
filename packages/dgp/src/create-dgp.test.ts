import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, disposeBatch, InvalidConfigError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createDgp, type DgpConfig } from './create-dgp.js'
import type { InvertibleMlp } from './invertible-mlp.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

/** Fast generator settings for tests (the default 25 000 threshold draws are tested once below). */
const fast = { kind: 'mlp', thresholdDraws: 200 } as const
const col = (t: tf.Tensor2D, k: number) => {
  const [n, d] = t.shape
  const data = t.dataSync()
  return Float32Array.from({ length: n }, (_, i) => data[i * d + k] as number)
}

describe('createDgp defaults (cl-ica / paper §4.1)', () => {
  it('box [0,1]^10, normal σ = 0.05, 3-layer MLP slope 0.2 with the 25 000-draw threshold, batch negatives', () => {
    const dgp = createDgp({ seed: 1 })
    expect(dgp.config).toMatchObject({
      space: 'box',
      dims: 10,
      contentDims: 0,
      conditional: { kind: 'normal', sigma: 0.05, contentSigma: 0 },
      generator: { kind: 'mlp', layers: 3, slope: 0.2, thresholdDraws: 25_000, thresholdRatio: 0 },
      negatives: 'batch',
      seed: 1,
    })
    const g = dgp.generator as InvertibleMlp
    expect(g.thresholdDraws).toBe(25_000)
    expect(g.conditionNumbers).toHaveLength(3)
    for (const c of g.conditionNumbers) expect(c).toBeLessThanOrEqual(g.conditionThreshold as number)
    // the minimum of 25 000 draws at d = 10 lies around 3.4–4.5 (cl-ica/AnInfoNCE log: 3.61)
    expect(g.conditionThreshold).toBeGreaterThan(3)
    expect(g.conditionThreshold).toBeLessThan(5)
  })

  it('sphere defaults to the partial vMF with κ = 1', () => {
    const dgp = createDgp({ space: 'sphere', generator: { kind: 'identity' }, seed: 1 })
    expect(dgp.config.conditional).toEqual({ kind: 'vmf', kappa: 1 })
  })

  it('draws and reports a seed when none is given', () => {
    const dgp = createDgp({ generator: { kind: 'identity' } })
    expect(Number.isInteger(dgp.metadata.seed)).toBe(true)
    expect(dgp.config.seed).toBe(dgp.metadata.seed)
  })
})

describe('createDgp validation', () => {
  const cases: [string, unknown, string][] = [
    ['unknown space', { space: 'torus' }, 'config.space'],
    ['non-integer dims', { dims: 2.5 }, 'config.dims'],
    ['d_c > d', { dims: 4, contentDims: 5 }, 'config.contentDims'],
    ['content index out of range', { dims: 4, contentDims: [1, 4] }, 'config.contentDims'],
    ['duplicate content index', { dims: 4, contentDims: [1, 1] }, 'config.contentDims'],
    ['σ = 0', { conditional: { kind: 'normal', sigma: 0 } }, 'config.conditional.sigma'],
    ['σ < 0 in a vector', { dims: 3, conditional: { kind: 'laplace', sigma: [0.1, -1, 0.1] } }, 'config.conditional.sigma.1'],
    ['wrong σ-vector length', { dims: 4, contentDims: 1, conditional: { kind: 'normal', sigma: [0.1, 0.1] } }, 'config.conditional.sigma'],
    ['wrong σ_c-vector length', { dims: 4, contentDims: 1, conditional: { kind: 'normal', contentSigma: [0, 0] } }, 'config.conditional.contentSigma'],
    ['σ_c < 0', { conditional: { kind: 'normal', contentSigma: -0.1 } }, 'config.conditional.contentSigma'],
    ['κ = 0', { space: 'sphere', conditional: { kind: 'vmf', kappa: 0 } }, 'config.conditional.kappa'],
    ['vMF on the box', { conditional: { kind: 'vmf', kappa: 1 } }, 'config.conditional.kind'],
    ['unknown conditional', { conditional: { kind: 'cauchy' } }, 'config.conditional.kind'],
    ['box low ≥ high', { box: { low: 1, high: 1 } }, 'config.box.high'],
    ['box option on the sphere', { space: 'sphere', box: { low: 0, high: 1 } }, 'config.box'],
    ['sphere with d = 1', { space: 'sphere', dims: 1 }, 'config.dims'],
    ['unknown option', { dim: 3 }, 'config.dim'],
    ['unknown generator', { generator: { kind: 'flow' } }, 'config.generator.kind'],
    ['0 layers', { generator: { kind: 'mlp', layers: 0 } }, 'config.generator.layers'],
    ['slope > 1', { generator: { kind: 'mlp', slope: 2 } }, 'config.generator.slope'],
    ['0 threshold draws', { generator: { kind: 'linear', thresholdDraws: 0 } }, 'config.generator.thresholdDraws'],
    ['non-square weights', { dims: 2, generator: { kind: 'linear', weights: [[1, 0]] } }, 'config.generator.weights'],
    ['negative seed', { seed: -1 }, 'config.seed'],
    ['non-integer seed', { seed: 0.5 }, 'config.seed'],
    ['unknown negatives', { negatives: 'hard' }, 'config.negatives'],
  ]
  it.each(cases)('%s → InvalidConfigError naming the field', (_, config, field) => {
    let error: unknown
    try {
      createDgp(config as DgpConfig)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidConfigError)
    expect((error as InvalidConfigError).field).toBe(field)
  })

  it('a custom generator must match dims', () => {
    const g = createDgp({ dims: 3, generator: { kind: 'identity' }, seed: 0 }).generator
    expect(() => createDgp({ dims: 4, generator: g })).toThrow(/config\.generator/)
  })
})

describe('sampling', () => {
  const box = createDgp({ dims: 6, contentDims: 2, generator: fast, seed: 3 })

  it('returns [n, d] tensors; box latents lie in the box; content equal bit-for-bit; style differs', () => {
    const b = box.sample(2000)
    for (const t of [b.z, b.zPositive, b.x, b.xPositive]) expect(t.shape).toEqual([2000, 6])
    expect(b.zNegative).toBeUndefined()
    for (const t of [b.z, b.zPositive]) expect(t.dataSync().every((v) => v >= 0 && v <= 1)).toBe(true)
    for (const k of [0, 1]) expect(col(b.zPositive, k)).toEqual(col(b.z, k))
    for (const k of [2, 3, 4, 5]) {
      const anchor = col(b.z, k)
      const diff = col(b.zPositive, k).map((v, i) => v - (anchor[i] as number))
      const rms = Math.sqrt(diff.reduce((s, v) => s + v * v, 0) / diff.length)
      expect(rms).toBeGreaterThan(0.035) // σ = 0.05, reduced a little by truncation at the faces
      expect(rms).toBeLessThan(0.055)
    }
    disposeBatch(b)
  })

  it('content may be any subset of dims', () => {
    const dgp = createDgp({ dims: 5, contentDims: [1, 4], generator: { kind: 'identity' }, seed: 4 })
    expect(dgp.metadata).toMatchObject({ contentIndices: [1, 4], styleIndices: [0, 2, 3], contentDims: 2, styleDims: 3, space: 'box' })
    const { z, zPositive } = dgp.samplePairs(500)
    for (const k of [1, 4]) expect(col(zPositive, k)).toEqual(col(z, k))
    for (const k of [0, 2, 3]) expect(col(zPositive, k)).not.toEqual(col(z, k))
    tf.dispose([z, zPositive])
  })

  it.each([
    { kind: 'vmf', kappa: 5 },
    { kind: 'normal', sigma: 0.1 },
    { kind: 'laplace', sigma: [0.1, 0.2, 0.3, 0.4] },
  ] as const)('sphere ($kind): unit norm to 1e-5, content bit-exact', (conditional) => {
    const dgp = createDgp({ space: 'sphere', dims: 6, contentDims: 2, conditional, generator: fast, seed: 5 })
    const b = dgp.sample(1000)
    for (const t of [b.z, b.zPositive]) {
      const norms = tf.tidy(() => tf.norm(t, 'euclidean', 1).dataSync())
      expect(Math.max(...Array.from(norms, (v) => Math.abs(v - 1)))).toBeLessThan(1e-5)
    }
    for (const k of [0, 1]) expect(col(b.zPositive, k)).toEqual(col(b.z, k))
    disposeBatch(b)
  })

  it('x = g(z): sample’s float64 x agrees with generate(z) and generator.inverse recovers z', () => {
    const b = box.sample(300)
    const x = box.generate(b.z)
    const back = box.generator.inverse(b.x)
    const maxDiff = (a: tf.Tensor, c: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, c))).dataSync()[0] as number)
    expect(maxDiff(x, b.x)).toBeLessThan(1e-5)
    expect(maxDiff(back, b.z)).toBeLessThan(1e-4)
    tf.dispose([x, back])
    disposeBatch(b)
  })

  it('sampleConditional copies content exactly from a given z', () => {
    const z = box.sampleMarginal(100)
    const zt = box.sampleConditional(z)
    for (const k of [0, 1]) expect(col(zt, k)).toEqual(col(z, k))
    expect(() => box.sampleConditional(tf.zeros([3, 5]) as tf.Tensor2D)).toThrow(/expected shape/)
    tf.dispose([z, zt])
  })

  it('negatives: none in batch mode; fresh marginal draws in marginal mode or via sampleNegatives', () => {
    const marg = createDgp({ dims: 4, generator: { kind: 'identity' }, negatives: 'marginal', seed: 6 })
    const b = marg.sample(64)
    expect(b.zNegative?.shape).toEqual([64, 4])
    expect(b.xNegative?.shape).toEqual([64, 4])
    expect(b.zNegative?.dataSync()).not.toEqual(b.z.dataSync())
    disposeBatch(b)
    const neg = box.sampleNegatives(32)
    expect(neg.z.shape).toEqual([32, 6])
    tf.dispose([neg.z, neg.x])
  })

  it('rejects a non-positive batch size', () => {
    expect(() => box.sample(0)).toThrow(InvalidConfigError)
  })
})

describe('reproducibility and leaks', () => {
  const config: DgpConfig = { space: 'sphere', dims: 5, contentDims: 1, generator: fast, seed: 9 }
  const read = (b: ReturnType<ReturnType<typeof createDgp>['sample']>) => [b.z, b.zPositive, b.x, b.xPositive].map((t) => Array.from(t.dataSync()))

  it('same seed → identical call sequence; different seed → different tensors and generator', () => {
    const a = createDgp(config)
    const b = createDgp(config)
    const c = createDgp({ ...config, seed: 10 })
    for (let call = 0; call < 2; call++) {
      const [ba, bb, bc] = [a.sample(100), b.sample(100), c.sample(100)]
      expect(read(ba)).toEqual(read(bb))
      expect(read(ba)[0]).not.toEqual(read(bc)[0])
      for (const batch of [ba, bb, bc]) disposeBatch(batch)
    }
    expect((c.generator as InvertibleMlp).layers[0]?.weight).not.toEqual((a.generator as InvertibleMlp).layers[0]?.weight)
  })

  it('generator.seed fixes g independently of the sampling seed; reseed keeps g', () => {
    const a = createDgp({ ...config, generator: { ...fast, seed: 77 } })
    const b = createDgp({ ...config, seed: 123, generator: { ...fast, seed: 77 } })
    expect((b.generator as InvertibleMlp).layers.map((l) => l.weight)).toEqual((a.generator as InvertibleMlp).layers.map((l) => l.weight))
    const r = a.reseed(123)
    expect(r.generator).toBe(a.generator)
    const [x, y] = [r.sample(50), b.sample(50)]
    expect(read(x)).toEqual(read(y))
    disposeBatch(x)
    disposeBatch(y)
  })

  it('no tensors leak from sample, sampleMarginal, sampleConditional, samplePairs, sampleNegatives, generate, inverse', () => {
    const dgp = createDgp({ ...config, negatives: 'marginal' })
    const z = dgp.sampleMarginal(64)
    expect(countLeakedTensors(() => disposeBatch(dgp.sample(64)))).toBe(0)
    expect(countLeakedTensors(() => dgp.sampleMarginal(64))).toBe(0)
    expect(countLeakedTensors(() => dgp.sampleConditional(z))).toBe(0)
    expect(countLeakedTensors(() => disposeBatch(dgp.samplePairs(64)))).toBe(0)
    expect(countLeakedTensors(() => dgp.sampleNegatives(64))).toBe(0)
    expect(countLeakedTensors(() => dgp.generate(z))).toBe(0)
    expect(countLeakedTensors(() => dgp.generator.inverse(z))).toBe(0)
    z.dispose()
  })
})
