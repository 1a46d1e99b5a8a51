/**
 * A seeded pseudo-random number generator in plain TypeScript (float64), independent of the tfjs backend,
 * so latent samples are bit-identical across cpu, wasm, webgpu and tensorflow.
 *
 * Core generator: xoshiro128** (Blackman & Vigna 2018), state seeded through splitmix32 so that any
 * integer seed (including 0) gives a well-mixed state. Uniform doubles take 53 random bits from two draws.
 */

import { assertIntegerInRange, assertPositive } from './validate.js'

const MAX_SEED = 2 ** 53 - 1

function splitmix32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x9e3779b9) >>> 0
    let t = a ^ (a >>> 16)
    t = Math.imul(t, 0x21f0aaad)
    t ^= t >>> 15
    t = Math.imul(t, 0x735a2d97)
    t ^= t >>> 15
    return t >>> 0
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** A stream of pseudo-random numbers; `fork(label)` derives an independent child stream. */
export interface Rng {
  /** The seed this stream was created from. */
  readonly seed: number
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number
  /** Uniform double in [low, high). */
  uniformRange(low: number, high: number): number
  /** Uniform integer in [0, n). */
  int(n: number): number
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number
  /** Laplace(0, scale): density exp(−|x|/scale)/(2·scale). */
  laplace(scale: number): number
  /** Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 via the u^{1/shape} boost). */
  gamma(shape: number): number
  /** Beta(a, b) = G₁/(G₁+G₂). */
  beta(a: number, b: number): number
  /** Fill a new Float64Array of length n with uniform [0, 1) values. */
  uniformArray(n: number): Float64Array
  /** Fill a new Float64Array of length n with standard normal values. */
  normalArray(n: number): Float64Array
  /** An independent child stream; the same (seed, label) always gives the same child. */
  fork(label: string | number): Rng
}

function hashLabel(seed: number, label: string | number): number {
  const text = `${seed}:${typeof label === 'number' ? `#${label}` : label}`
  // FNV-1a over UTF-16 code units, then one splitmix32 round.
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return splitmix32(h)()
}

/**
 * Create a seeded generator. `seed` must be an integer in [0, 2^53 − 1]; the same seed always produces the
 * same stream on every platform.
 */
export function createRng(seed: number): Rng {
  assertIntegerInRange('seed', seed, 0, MAX_SEED)
  const hi = Math.floor(seed / 2 ** 32)
  const mix = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x9e3779b1))
  let s0 = mix()
  let s1 = mix()
  let s2 = mix()
  let s3 = mix()
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1
  let spareNormal: number | null = null

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0
    const t = (s1 << 9) >>> 0
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    s0 >>>= 0
    s1 >>>= 0
    s2 >>>= 0
    return result
  }
  const uniform = (): number => {
    const a = nextUint32() >>> 5 // 27 bits
    const b = nextUint32() >>> 6 // 26 bits
    return (a * 67108864 + b) / 9007199254740992
  }
  const normal = (): number => {
    if (spareNormal !== null) {
      const v = spareNormal
      spareNormal = null
      return v
    }
    let u = 0
    while (u === 0) u = uniform()
    const v = uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    spareNormal = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
  const gamma = (shape: number): number => {
    assertPositive('gamma shape', shape)
    if (shape < 1) {
      let u = 0
      while (u === 0) u = uniform()
      return gamma(shape + 1) * Math.pow(u, 1 / shape)
    }
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let x: number
      let v: number
      do {
        x = normal()
        v = 1 + c * x
      } while (v <= 0)
      v = v * v * v
      const u = uniform()
      if (u < 1 - 0.0331 * x * x * x * x) return d * v
      if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
    }
  }
  const rng: Rng = {
    seed,
    nextUint32,
    uniform,
    uniformRange: (low, high) => low + (high - low) * uniform(),
    int: (n) => {
      assertIntegerInRange('int(n) n', n, 1)
      return Math.floor(uniform() * n)
    },
    normal,
    laplace: (scale) => {
      let u = 0
      while (u === 0) u = uniform()
      const centred = u - 0.5
      return -scale * Math.sign(centred) * Math.log(1 - 2 * Math.abs(centred))
    },
    gamma,
    beta: (a, b) => {
      const x = gamma(a)
      const y = gamma(b)
      return x / (x + y)
    },
    uniformArray: (n) => {
      const out = new Float64Array(n)
      for (let i = 0; i < n; i++) out[i] = uniform()
      return out
    },
    normalArray: (n) => {
      const out = new Float64Array(n)
      for (let i = 0; i < n; i++) out[i] = normal()
      return out
    },
    fork: (label) => createRng(hashLabel(seed, label)),
  }
  return rng
}
