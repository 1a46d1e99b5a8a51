import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isClError } from '@cl/core'
import { getPairwiseLseThreads } from '@cl/infonce'
import { BackendUnavailableError } from '../errors.js'
import { defaultCandidates, explainTfjsNodeFailure, locateTfjsNode, registerTensorflow, type BackendCandidate, type BackendName } from './candidates.js'
import { NO_GUARDS, guardsOf, type BackendGuards } from './guards.js'
import { CONV_TRAINING_KERNELS, convTrainingSupport, formatConvTraining, missingKernels } from './kernels.js'
import { selectBackend } from './select.js'

const real = (name: BackendName): BackendCandidate => defaultCandidates().find((c) => c.name === name)!
const failing = (name: BackendName, reason: string): BackendCandidate => ({ name, register: async () => ({ ok: false, reason }) })
const softwareGpu: BackendCandidate = { name: 'webgpu', register: async () => ({ ok: true, detail: 'SwiftShader', emulatedGpu: true }) }

describe('selectBackend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('auto tries tensorflow, webgpu, wasm, cpu in order and reports why each earlier one was skipped', async () => {
    const sel = await selectBackend({
      candidates: [failing('tensorflow', 'no binding'), failing('webgpu', 'no adapter'), real('wasm'), real('cpu')],
    })
    expect(sel.backend).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(sel.forced).toBe(false)
    expect(sel.attempts.map((a) => [a.backend, a.outcome, a.reason])).toEqual([
      ['tensorflow', 'skipped', 'no binding'],
      ['webgpu', 'skipped', 'no adapter'],
      ['wasm', 'selected', expect.stringContaining('WebAssembly')],
    ])
  })

  it('auto skips a software WebGPU adapter; forcing webgpu would take it', async () => {
    const sel = await selectBackend({ candidates: [softwareGpu, real('cpu')] })
    expect(sel.backend).toBe('cpu')
    expect(sel.attempts[0]?.reason).toMatch(/software adapter.*force it with --backend webgpu/)
  })

  it('forced: fails with the backend reason and does not fall back', async () => {
    const err = await selectBackend({ requested: 'tensorflow', candidates: [failing('tensorflow', 'no binding here'), real('cpu')] }).catch((e) => e)
    expect(isClError(err, 'CL_BACKEND_UNAVAILABLE')).toBe(true)
    expect(err.message).toBe("backend 'tensorflow' is unavailable: no binding here")
  })

  it('forced cpu and wasm work', async () => {
    expect((await selectBackend({ requested: 'cpu', candidates: [real('wasm'), real('cpu')] })).backend).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect((await selectBackend({ requested: 'wasm', candidates: [real('wasm'), real('cpu')] })).backend).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
  })

  it('--threads sizes the fused InfoNCE kernel of the selected host backend and is named in the detail', async () => {
    const sel = await selectBackend({ requested: 'cpu', threads: 3 })
    expect(getPairwiseLseThreads()).toBe(3)
    expect(sel.detail).toMatch(/fused InfoNCE kernel: 3 threads/)
    const one = await selectBackend({ requested: 'wasm' })
    expect(getPairwiseLseThreads()).toBe(1)
    expect(one.detail).toMatch(/single-threaded\); fused InfoNCE kernel: 1 thread$/)
  })

  it('missing kernels: auto skips wasm for what it lacks (gather gradient), forced wasm refuses with the kernel list', async () => {
    const needed = ['Conv2D', 'UnsortedSegmentSum']
    const sel = await selectBackend({ requiredKernels: needed, candidates: [real('wasm'), real('cpu')] })
    expect(sel.backend).toBe('cpu')
    expect(sel.attempts[0]).toEqual({ backend: 'wasm', outcome: 'skipped', reason: 'lacks kernels this experiment needs: UnsortedSegmentSum' })
    const err = await selectBackend({ requested: 'wasm', requiredKernels: needed, candidates: [real('wasm')] }).catch((e) => e)
    expect(isClError(err, 'CL_MISSING_KERNELS')).toBe(true)
    expect(err.kernels).toEqual(['UnsortedSegmentSum'])
  })

  it("conv training: registering wasm installs @cl/core's Conv2DBackpropFilter, so auto picks wasm for CONV_TRAINING_KERNELS", async () => {
    const sel = await selectBackend({ requiredKernels: CONV_TRAINING_KERNELS, candidates: [real('wasm'), real('cpu')] })
    expect(sel.backend).toBe('wasm')
    expect(missingKernels('wasm', CONV_TRAINING_KERNELS)).toEqual([])
    expect(convTrainingSupport('wasm')).toEqual({ able: true, missing: [] })
    expect(formatConvTraining(convTrainingSupport('cpu'))).toBe('yes')
    expect(formatConvTraining({ able: false, missing: ['Conv2DBackpropFilter'] })).toBe('no (missing: Conv2DBackpropFilter)')
    // The kernel computes: a conv filter gradient on wasm.
    const g = tf.tidy(() => {
      const x = tf.ones([1, 3, 3, 1]) as tf.Tensor4D
      return tf.grad((w) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid')))(tf.ones([2, 2, 1, 1]))
    })
    expect(Array.from(g.dataSync())).toEqual([4, 4, 4, 4])
    g.dispose()
  })

  it('a backend with no kernels registered yet (WebGPU before selection) is reported as checked when selected', () => {
    expect(convTrainingSupport('no-such-backend')).toEqual({ able: null, missing: [] })
    expect(formatConvTraining({ able: null, missing: [] })).toMatch(/^checked when selected/)
  })

  it('missingKernels reads the real kernel registry', async () => {
    await real('wasm').register()
    expect(missingKernels('wasm', ['BatchMatMul', 'Conv2DBackpropFilter', 'UnsortedSegmentSum'])).toEqual(['UnsortedSegmentSum'])
    expect(missingKernels('cpu', ['BatchMatMul', 'Conv2DBackpropFilter', 'UnsortedSegmentSum'])).toEqual([])
  })

  it('a backend whose initialisation fails (setBackend resolves false) is skipped in auto, refused when forced', async () => {
    // Stand in for a tfjs-node whose native library fails at init: a registered factory that throws.
    tf.registerBackend('tensorflow', () => {
      throw new Error('init failed')
    })
    try {
      const brokenTf: BackendCandidate = { name: 'tensorflow', register: async () => ({ ok: true, detail: 'x', emulatedGpu: false }) }
      const sel = await selectBackend({ candidates: [brokenTf, real('cpu')] })
      expect(sel.backend).toBe('cpu')
      expect(sel.attempts[0]).toEqual({ backend: 'tensorflow', outcome: 'skipped', reason: 'tf.setBackend returned false (initialisation failed)' })
      const err = await selectBackend({ requested: 'tensorflow', candidates: [brokenTf] }).catch((e) => e)
      expect(isClError(err, 'CL_BACKEND_UNAVAILABLE')).toBe(true)
    } finally {
      tf.removeBackend('tensorflow')
    }
  })

  it("the selection carries the chosen backend's guards; a backend without any gets no-ops", async () => {
    const checked: string[] = []
    const guards: BackendGuards = {
      checkFits: (bytes, what) => {
        checked.push(`${what}:${bytes}`)
      },
      runGuarded: (fn) => fn(),
    }
    const guardedCpu: BackendCandidate = { name: 'cpu', register: async () => ({ ok: true, detail: 'cpu with guards', emulatedGpu: false, guards }) }
    const sel = await selectBackend({ candidates: [failing('webgpu', 'no adapter'), guardedCpu] })
    expect(sel.guards).toBe(guards)
    guardsOf(sel).checkFits(16, 'x')
    expect(checked).toEqual(['x:16'])
    const plain = await selectBackend({ candidates: [real('cpu')] })
    expect(plain.guards).toBeUndefined()
    expect(guardsOf(plain)).toBe(NO_GUARDS)
  })

  it('a forced backend whose activation throws a BackendUnavailableError reports that reason once', async () => {
    const broken: BackendCandidate = {
      name: 'tensorflow',
      register: async () => ({
        ok: true,
        detail: 'x',
        emulatedGpu: false,
        activate: async () => {
          throw new BackendUnavailableError('tensorflow', 'the binding is for another Node ABI')
        },
      }),
    }
    const err = await selectBackend({ requested: 'tensorflow', candidates: [broken] }).catch((e) => e)
    expect(err.message).toBe("backend 'tensorflow' is unavailable: the binding is for another Node ABI")
    const sel = await selectBackend({ candidates: [broken, real('cpu')] })
    expect(sel.attempts[0]?.reason).toBe("initialisation failed: backend 'tensorflow' is unavailable: the binding is for another Node ABI")
  })

  it('kernels are checked after activation, which is where a backend like webgpu registers them', async () => {
    const order: string[] = []
    const lateKernels: BackendCandidate = {
      name: 'tensorflow',
      register: async () => ({
        ok: true,
        detail: 'registers its kernels on activation',
        emulatedGpu: false,
        activate: async () => {
          order.push('activate')
          tf.registerBackend('tensorflow', () => new (tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend)())
          tf.copyRegisteredKernels('cpu', 'tensorflow')
        },
      }),
    }
    try {
      const sel = await selectBackend({ requested: 'tensorflow', requiredKernels: ['BatchMatMul', 'Exp'], candidates: [lateKernels] })
      expect(order).toEqual(['activate'])
      expect(sel.backend).toBe('tensorflow')
    } finally {
      await tf.setBackend('cpu')
      tf.removeBackend('tensorflow')
      for (const k of tf.getKernelsForBackend('tensorflow')) tf.unregisterKernel(k.kernelName, 'tensorflow')
    }
  })

  it('rejects an unknown forced backend name', async () => {
    const err = await selectBackend({ requested: 'webgl' as BackendName }).catch((e) => e)
    expect(err.message).toMatch(/unknown backend/)
  })
})

describe('the tensorflow (tfjs-node) path, up to the binding', () => {
  it('here: tfjs-node is installed without libtensorflow, and the reason says how to fix it', async () => {
    const node = locateTfjsNode('@tensorflow/tfjs-node')
    expect(node.installed).toBe(true)
    expect(node.bindingPath).toBeUndefined()
    const a = await registerTensorflow({ packages: ['@tensorflow/tfjs-node'] })
    expect(a.ok).toBe(false)
    if (!a.ok) expect(a.reason).toMatch(/installed without its libtensorflow binding: reinstall with network access, or set TFJS_NODE_CDN_STORAGE/)
  })

  it('a package that is not installed is reported as such', async () => {
    const a = await registerTensorflow({ packages: ['@tensorflow/tfjs-node-nonexistent'] })
    expect(a).toEqual({ ok: false, reason: '@tensorflow/tfjs-node-nonexistent is not installed (optional dependency)' })
  })

  it('with a binding present, the package is loaded; load errors become one-line reasons', async () => {
    const loaded: string[] = []
    const a = await registerTensorflow({
      packages: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
      locate: () => ({ installed: true, bindingPath: '/fake/tfjs_binding.node' }),
      load: (pkg) => {
        loaded.push(pkg)
        throw new Error('libcudart.so.11.0: cannot open shared object file')
      },
    })
    expect(loaded).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])
    expect(a.ok).toBe(false)
    if (!a.ok) expect(a.reason).toMatch(/^@tensorflow\/tfjs-node-gpu needs CUDA 11\.2 and cuDNN 8\.1/)
  })

  it('explains the known failure modes', () => {
    expect(explainTfjsNodeFailure('p', new Error('util.isNullOrUndefined is not a function'))).toMatch(/Node >= 23/)
    expect(explainTfjsNodeFailure('p', new Error('boom\nstack'))).toBe('p failed to load: boom')
  })
})

describe('the webgpu path through selection', () => {
  it('forced webgpu uses the software adapter here, auto does not; results match cpu', async () => {
    const webgpu = real('webgpu')
    const availability = await webgpu.register()
    if (!availability.ok) {
      expect(process.env['CL_REQUIRE_WEBGPU'], availability.reason).not.toBe('1')
      return
    }
    const auto = await selectBackend({ candidates: [webgpu, real('cpu')] })
    expect(auto.backend).toBe(availability.emulatedGpu ? 'cpu' : 'webgpu')
    const x = [[1, 2, 3], [4, 5, 6]]
    const expected = tf.tidy(() => tf.logSumExp(tf.matMul(tf.tensor2d(x), tf.tensor2d(x), false, true), 1).arraySync()) as number[]
    // The kernels of an experiment are there: the WebGPU backend registers them when it is activated.
    const forced = await selectBackend({ requested: 'webgpu', requiredKernels: ['BatchMatMul', 'LeakyRelu', 'Max', 'Exp', 'Log'], candidates: [webgpu, real('cpu')] })
    expect(forced.backend).toBe('webgpu')
    expect(forced.detail).toMatch(/adapter via/)
    expect(forced.guards).toBeDefined()
    // WebGPU in Node has no synchronous readback (dataSync needs OffscreenCanvas): read asynchronously.
    const out = tf.tidy(() => tf.logSumExp(tf.matMul(tf.tensor2d(x), tf.tensor2d(x), false, true), 1))
    const got = (await out.array()) as number[]
    out.dispose()
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4))
    await tf.setBackend('cpu')
  })
})
