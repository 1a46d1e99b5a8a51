import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { afterAll, describe, expect, it } from 'vitest'
import { createAdam, type AdamImplementation } from './adam.js'
import { createLars } from './lars.js'
import { createOptimizer } from './optimizer.js'
import type { Optimizer } from './optimizer-state.js'
import { createSgd } from './sgd.js'

afterAll(async () => {
  await tf.setBackend('cpu')
})

type Vec = number[]
interface Case {
  readonly w0: Record<string, Vec>
  readonly shapes: Record<string, number[]>
  /** grads[step][name]; a missing name = no gradient that step. */
  readonly grads: Record<string, Vec>[]
  readonly lrs: number[]
}

const norm = (x: Vec) => Math.sqrt(x.reduce((s, a) => s + a * a, 0))

/** Float64 torch.optim.SGD (dampening 0, nesterov false) with coupled weight decay. */
function sgdOracle(c: Case, momentum: number, wd: number, excluded: Set<string>): Record<string, Vec> {
  const w = structuredClone(c.w0)
  const buf: Record<string, Vec | undefined> = {}
  c.grads.forEach((gs, step) => {
    for (const [name, g0] of Object.entries(gs)) {
      const p = w[name]!
      const d = g0.map((g, i) => (excluded.has(name) ? g : g + wd * p[i]!))
      const b = buf[name] === undefined ? d : buf[name].map((v, i) => momentum * v + d[i]!)
      buf[name] = b
      w[name] = p.map((x, i) => x - c.lrs[step]! * b[i]!)
    }
  })
  return w
}

/** Float64 LARS_simclr.step (PatrickHua/SimSiam optimizers/lars_simclr.py), with the velocity kept (momentum applied). */
function larsOracle(c: Case, momentum: number, wd: number, eta: number, excluded: Set<string>): Record<string, Vec> {
  const w = structuredClone(c.w0)
  const vel: Record<string, Vec> = {}
  c.grads.forEach((gs, step) => {
    for (const [name, g0] of Object.entries(gs)) {
      const p = w[name]!
      const base = !excluded.has(name)
      const g = base ? g0.map((x, i) => x + wd * p[i]!) : g0
      let trust = 1
      if (base) {
        const wn = norm(p)
        const gn = norm(g)
        trust = wn > 0 && gn > 0 ? (eta * wn) / gn : 1
      }
      const v = (vel[name] ?? p.map(() => 0)).map((x, i) => momentum * x + c.lrs[step]! * trust * g[i]!)
      vel[name] = v
      w[name] = p.map((x, i) => x - v[i]!)
    }
  })
  return w
}

/** Float64 torch.optim.Adam with coupled weight decay. */
function adamOracle(c: Case, wd: number, excluded: Set<string>, b1 = 0.9, b2 = 0.999, eps = 1e-8): Record<string, Vec> {
  const w = structuredClone(c.w0)
  const m: Record<string, Vec> = {}
  const v: Record<string, Vec> = {}
  c.grads.forEach((gs, step) => {
    const t = step + 1
    for (const [name, g0] of Object.entries(gs)) {
      const p = w[name]!
      const g = excluded.has(name) ? g0 : g0.map((x, i) => x + wd * p[i]!)
      m[name] = (m[name] ?? p.map(() => 0)).map((x, i) => b1 * x + (1 - b1) * g[i]!)
      v[name] = (v[name] ?? p.map(() => 0)).map((x, i) => b2 * x + (1 - b2) * g[i]! * g[i]!)
      w[name] = p.map((x, i) => x - (c.lrs[step]! / (1 - b1 ** t)) * (m[name]![i]! / (Math.sqrt(v[name]![i]!) / Math.sqrt(1 - b2 ** t) + eps)))
    }
  })
  return w
}

/** Four variables: a conv-like kernel and a linear kernel (base), a bias and a BN γ (excluded), one all-zero. */
function makeCase(seed: number, steps: number, options: { zeroGradAt?: number } = {}): Case {
  const rng = createRng(seed)
  const f32 = (n: number, scale: number) => Array.from(Float32Array.from({ length: n }, () => rng.normal() * scale))
  const shapes: Record<string, number[]> = { 'conv/kernel': [3, 3, 2, 4], 'dense/kernel': [5, 3], 'dense/bias': [3], 'bn/gamma': [4], 'zero/kernel': [2, 2] }
  const sizes = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, s.reduce((a, b) => a * b, 1)]))
  const w0: Record<string, Vec> = {
    'conv/kernel': f32(sizes['conv/kernel']!, 0.3),
    'dense/kernel': f32(sizes['dense/kernel']!, 1),
    'dense/bias': f32(3, 0.1),
    'bn/gamma': [1, 1, 1, 1],
    'zero/kernel': [0, 0, 0, 0],
  }
  const grads = Array.from({ length: steps }, (_, step) => {
    const gs: Record<string, Vec> = {}
    for (const [name, n] of Object.entries(sizes)) {
      if (name === 'dense/bias' && step === 1) continue // no gradient this step: value and state unchanged
      gs[name] = step === options.zeroGradAt && name === 'dense/kernel' ? new Array<number>(n).fill(0) : f32(n, 10 ** Math.floor(rng.uniform() * 4 - 2))
    }
    return gs
  })
  const lrs = Array.from({ length: steps }, (_, s) => Math.fround(0.05 + 0.02 * s))
  return { w0, shapes, grads, lrs }
}

const EXCLUDE = (name: string) => name.endsWith('/bias') || name.startsWith('bn/')

/** Run `opt` over the case on tfjs; per step the tensor count must not change. */
function runTf(c: Case, make: (vars: Map<string, tf.Variable>) => Optimizer): Record<string, Vec> {
  const vars = new Map(Object.entries(c.w0).map(([name, w]) => [name, tf.variable(tf.tensor(w, c.shapes[name]), true)]))
  const opt = make(vars)
  const before = tf.memory().numTensors
  c.grads.forEach((gs, step) => {
    const grads = new Map(Object.entries(gs).map(([name, g]) => [name, tf.tensor(g, c.shapes[name])]))
    const during = tf.memory().numTensors
    opt.apply(grads, c.lrs[step])
    expect(tf.memory().numTensors).toBe(during)
    tf.dispose([...grads.values()])
  })
  expect(tf.memory().numTensors).toBe(before)
  const out = Object.fromEntries([...vars].map(([name, v]) => [name, Array.from(v.dataSync())]))
  opt.dispose()
  opt.dispose()
  tf.dispose([...vars.values()])
  return out
}

function expectClose(got: Record<string, Vec>, want: Record<string, Vec>, rel: number): void {
  for (const [name, w] of Object.entries(want)) {
    const scale = Math.max(1e-3, norm(w) / Math.sqrt(w.length))
    got[name]!.forEach((x, i) => expect(Math.abs(x - w[i]!), `${name}[${i}]`).toBeLessThan(rel * scale))
  }
}

function maxDiff(a: Record<string, Vec>, b: Record<string, Vec>): number {
  return Math.max(...Object.keys(a).flatMap((k) => a[k]!.map((x, i) => Math.abs(x - b[k]![i]!))))
}

describe.each(['cpu', 'wasm'])('optimizers on %s against float64 oracles', (backend) => {
  it('selects the backend', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
  })

  it('SGD with momentum = torch.optim.SGD, with and without decay and exclusions, leak-free', () => {
    const c = makeCase(1, 6)
    for (const [momentum, wd, exclude] of [[0.9, 0, false], [0.9, 0.05, false], [0.9, 0.05, true], [0, 0.01, true]] as const) {
      const excluded = new Set(exclude ? Object.keys(c.w0).filter(EXCLUDE) : [])
      const want = sgdOracle(c, momentum, wd, excluded)
      const got = runTf(c, (vars) => createSgd(vars, { learningRate: 1, momentum, weightDecay: wd, ...(exclude ? { excludeFromDecay: EXCLUDE } : {}) }))
      expectClose(got, want, 1e-5)
      expect(maxDiff(want, c.w0)).toBeGreaterThan(0.05) // the updates are not negligible
      if (wd > 0) expect(maxDiff(want, sgdOracle(c, momentum, 0, excluded))).toBeGreaterThan(1e-4) // decay is visible
    }
  })

  it('LARS = LARS_simclr: trust ratio on base variables, none on excluded ones, trust 1 at zero norms, lr inside v', () => {
    const c = makeCase(2, 6, { zeroGradAt: 2 })
    for (const [momentum, wd, eta] of [[0.9, 0, 1e-3], [0.9, 1e-2, 1e-3], [0, 1e-2, 0.02], [0.5, 0, 0.1]] as const) {
      const excluded = new Set(Object.keys(c.w0).filter(EXCLUDE))
      const want = larsOracle(c, momentum, wd, eta, excluded)
      const got = runTf(c, (vars) => createLars(vars, { learningRate: 1, momentum, weightDecay: wd, larsEta: eta, excludeFromDecay: EXCLUDE }))
      expectClose(got, want, 2e-5)
      // The oracle is sensitive to what is tested: no exclusion, or SGD's update, would give other weights.
      expect(maxDiff(want, larsOracle(c, momentum, wd, eta, new Set()))).toBeGreaterThan(1e-3)
      expect(maxDiff(want, sgdOracle(c, momentum, wd, excluded))).toBeGreaterThan(1e-3)
    }
    // The all-zero variable (‖w‖ = 0) moves by exactly lr·g on its first step (trust 1).
    const one = { ...c, grads: c.grads.slice(0, 1), lrs: [0.5] }
    const got = runTf(one, (vars) => createLars(vars, { learningRate: 1, weightDecay: 0.1, excludeFromDecay: EXCLUDE }))
    got['zero/kernel']!.forEach((x, i) => expect(x).toBeCloseTo(-0.5 * one.grads[0]!['zero/kernel']![i]!, 6))
  })

  it('Adam with coupled weight decay = torch.optim.Adam(weight_decay); loop and ops implementations bit-identical', () => {
    const c = makeCase(3, 6)
    const excluded = new Set(Object.keys(c.w0).filter(EXCLUDE))
    const want = adamOracle(c, 0.1, excluded)
    const results = (['ops', 'loop'] as AdamImplementation[]).map((impl) =>
      runTf(c, (vars) => createAdam(vars, { learningRate: 1, weightDecay: 0.1, excludeFromDecay: EXCLUDE }, impl)),
    )
    expectClose(results[0]!, want, 1e-5)
    expect(results[1]).toEqual(results[0])
    expect(maxDiff(want, adamOracle(c, 0, excluded))).toBeGreaterThan(1e-4)
    // Without decay the default path is the old one: the same bits as before weight decay existed.
    const plain = runTf(c, (vars) => createAdam(vars, { learningRate: 1 }, 'ops'))
    expect(runTf(c, (vars) => createAdam(vars, { learningRate: 1, weightDecay: 0, excludeFromDecay: EXCLUDE }, 'loop'))).toEqual(plain)
  })

  it('getState/setState round-trip t and the momentum buffers exactly; v stays empty; shapes are checked', async () => {
    const c = makeCase(4, 3)
    for (const make of [createSgd, createLars]) {
      const vars = new Map(Object.entries(c.w0).map(([name, w]) => [name, tf.variable(tf.tensor(w, c.shapes[name]), true)]))
      const opt = make(vars, { learningRate: 0.1, weightDecay: 1e-3 })
      for (const gs of c.grads) {
        const grads = new Map(Object.entries(gs).map(([name, g]) => [name, tf.tensor(g, c.shapes[name])]))
        opt.apply(grads)
        tf.dispose([...grads.values()])
      }
      const state = await opt.getState()
      expect(state.t).toBe(3)
      expect(state.v).toEqual({})
      expect(Object.keys(state.m).sort()).toEqual(Object.keys(c.w0).sort())
      const other = make(vars, { learningRate: 0.1, weightDecay: 1e-3 })
      other.setState(state)
      expect(other.t).toBe(3)
      expect(await other.getState()).toEqual(state)
      expect(() => other.setState({ ...state, m: { ...state.m, 'bn/gamma': { shape: [5], values: new Float32Array(5) } } })).toThrow(/adam\.m\.bn\/gamma: expected shape \[4\]/)
      expect(() => other.setState({ ...state, v: state.m })).toThrow(/adam\.v\.[a-z/]+/)
      expect(() => other.setState({ ...state, m: {} })).toThrow(/adam\.m\./)
      opt.dispose()
      other.dispose()
      tf.dispose([...vars.values()])
    }
  })
})

describe('optimizer options', () => {
  it('bad values are typed errors naming the field', async () => {
    await tf.setBackend('cpu')
    const w = tf.variable(tf.ones([2]), true)
    const vars = new Map([['w', w]])
    const bad: [Record<string, unknown>, string][] = [
      [{ optimizer: 'rmsprop' }, 'optimizer'],
      [{ optimizer: 'sgd', momentum: 1 }, 'momentum'],
      [{ optimizer: 'lars', momentum: -0.1 }, 'momentum'],
      [{ optimizer: 'lars', larsEta: 0 }, 'larsEta'],
      [{ optimizer: 'sgd', larsEta: 1e-3 }, 'larsEta'],
      [{ optimizer: 'adam', momentum: 0.9 }, 'momentum'],
      [{ optimizer: 'sgd', beta1: 0.9 }, 'beta1'],
      [{ weightDecay: -1 }, 'weightDecay'],
      [{ optimizer: 'lars', weightDecay: Number.POSITIVE_INFINITY }, 'weightDecay'],
      [{ optimizer: 'sgd', excludeFromDecay: 'bias' }, 'excludeFromDecay'],
      [{ optimizer: 'sgd', excludeFromDecay: () => 1 }, 'excludeFromDecay'],
      [{ optimizer: 'sgd', learningRate: -1 }, 'learningRate'],
      [{ adamImplementation: 'fast' }, 'adamImplementation'],
      [{ optimizer: 'sgd', adamImplementation: 'ops' }, 'adamImplementation'],
    ]
    const before = tf.memory().numTensors
    for (const [options, field] of bad) {
      expect(() => createOptimizer(vars, { learningRate: 0.1, ...options } as never)).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field }))
    }
    expect(tf.memory().numTensors).toBe(before)
    for (const make of [createSgd, createLars]) {
      const opt = make(vars, { learningRate: 0.1 })
      const g = tf.ones([2])
      expect(() => opt.apply(new Map([['w', g]]), Number.NaN)).toThrow(expect.objectContaining({ field: 'learningRate' }))
      opt.dispose()
      g.dispose()
    }
    w.dispose()
  })
})
