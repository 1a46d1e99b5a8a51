#!/usr/bin/env node
// Time (and, under `node --cpu-prof`, profile) the training step of the quick fig1-r2-box preset on the wasm backend:
// N = 256, MLP 10-40-100-100-100-100-40-10 (heUniform), Lp-InfoNCE (p = 2, τ_c = τ_s = 1), Adam lr 3e-3, the paper's
// box DGP with a 3-layer invertible MLP g — the job `trainEncoder` (src/experiments/synthetic.ts) hands to `train`.
// It imports the built packages (run `pnpm -w build` first) and prints steps/s of the timed steps, by wall time and by
// this process's CPU time (steadier when the machine is shared).
//
//   node apps/reproduce/scripts/profile-quick-step.mjs [--steps 300] [--warmup 30] [--views separate|joint]
//        [--stock-matmul] [--stock-identity]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof apps/reproduce/scripts/profile-quick-step.mjs --steps 300
//   node scripts/summarize-cpuprofile.mjs /tmp/prof/*.cpuprofile
//
// --views separate: f(x) and f(x̃) as two forward passes (the step before issue 11); joint (default): one pass over
// the concatenated batch, as trainEncoder does now. --stock-matmul / --stock-identity: put tfjs-wasm's own BatchMatMul
// and _FusedMatMul / Identity kernels back after the first step (train() installs @cl/core's replacements). Adam always
// runs as train() does it (on wasm: the float32 loop of @cl/train's adam-loop.ts).
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import * as core from '@cl/core'
import { createDgp, createInvertibleMlp } from '@cl/dgp'
import { contentStyleTau, lpInfoNce } from '@cl/infonce'
import { createMlpEncoder } from '@cl/models'
import { stepSeed, train } from '@cl/train'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    views: { type: 'string', default: 'joint' },
    'stock-matmul': { type: 'boolean', default: false },
    'stock-identity': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
  },
})
const steps = Number(values.steps)
const warmup = Number(values.warmup)
if (!(await tf.setBackend(values.backend))) throw new Error(`backend ${values.backend} failed to initialise`)
await tf.ready()

const dims = 10
const seed = 0
const key = 'profile-quick'
const generator = createInvertibleMlp({ dims, rng: core.createRng(seed), thresholdDraws: 25_000, layers: 3 })
const dgp = createDgp({ space: 'box', dims, contentDims: 2, conditional: { kind: 'normal', sigma: 0.05 }, generator, seed })
const f = createMlpEncoder({ inputDim: dims, hiddenWidths: [40, 100, 100, 100, 100, 40], weightInit: 'heUniform', seed, name: 'f' })
const tau = contentStyleTau({ dims, contentDims: 2, tauContent: 1, tauStyle: 1 })
const n = 256

const loss = (step) => {
  const b = dgp.reseed(stepSeed(seed, key, step)).sample(n)
  if (values.views === 'separate') return lpInfoNce(f.apply(b.x), f.apply(b.xPositive), { tau, p: 2 }).total
  const both = f.apply(tf.concat([b.x, b.xPositive], 0))
  const [fx, fxPositive] = tf.split(both, 2, 0)
  return lpInfoNce(fx, fxPositive, { tau, p: 2 }).total
}

const before = tf.memory().numTensors
let t1 = 0
let cpu1 = process.cpuUsage()
const result = await train(
  { variables: f.namedVariables, loss },
  {
    key,
    steps: warmup + steps,
    learningRate: 3e-3,
    onStep: (info) => {
      // train() installs the fast kernels when it starts; --stock-matmul takes them out again after the first step.
      if (values['stock-matmul']) core.useStockWasmMatMul()
      if (values['stock-identity']) core.useStockWasmIdentity()
      if (info.step === warmup) {
        t1 = performance.now()
        cpu1 = process.cpuUsage()
      }
    },
  },
)
const seconds = (performance.now() - t1) / 1000
const cpu = process.cpuUsage(cpu1)
// CPU time of this process per step: steadier than wall time on a shared machine (wasm runs on this thread only).
const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / steps
const leaked = tf.memory().numTensors - before
console.log(
  JSON.stringify({
    backend: tf.getBackend(),
    views: values.views,
    fastMatMul: core.isFastWasmMatMulActive(),
    sharedIdentity: core.isSharedWasmIdentityActive(),
    steps,
    stepsPerSecond: Number((steps / seconds).toFixed(1)),
    msPerStep: Number(((1000 * seconds) / steps).toFixed(3)),
    cpuMsPerStep: Number(cpuMsPerStep.toFixed(3)),
    cpuStepsPerSecond: Number((1000 / cpuMsPerStep).toFixed(1)),
    finalLoss: result.finalLoss,
    leakedTensors: leaked,
  }),
)
f.dispose()
