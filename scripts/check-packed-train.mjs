#!/usr/bin/env node
// Must-show check for @cl/train as a user gets it: build and `pnpm pack` @cl/core, @cl/models and @cl/train, install
// the tarballs with @tensorflow/tfjs (+ wasm backend) from the registry into a scratch project outside the repo, and
// there train a small model to step N uninterrupted, then train again, abort at step k, resume from the
// FileCheckpointStore to N, and require every weight to be bit-identical — on the cpu and wasm backends.
// Prints PASS/FAIL and exits non-zero on failure. Usage: node scripts/check-packed-train.mjs [--keep]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const keep = process.argv.includes('--keep')
const packages = ['core', 'models', 'train']
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] })

const scratch = mkdtempSync(path.join(tmpdir(), 'cl-train-packed-'))
let ok = false
try {
  console.log(`check-packed-train: building and packing @cl/{${packages.join(',')}} into ${scratch}`)
  run('pnpm', ['--filter', '@cl/train...', 'run', 'build'], repo)
  for (const p of packages) run('pnpm', ['pack', '--pack-destination', scratch], path.join(repo, 'packages', p))
  const tarball = (p) => {
    const f = readdirSync(scratch).find((n) => n.startsWith(`cl-${p}-`) && n.endsWith('.tgz'))
    if (f === undefined) throw new Error(`no tarball for @cl/${p} in ${scratch}`)
    return `file:./${f}`
  }
  const deps = Object.fromEntries(packages.map((p) => [`@cl/${p}`, tarball(p)]))
  writeFileSync(
    path.join(scratch, 'package.json'),
    JSON.stringify(
      {
        name: 'cl-train-packed-check',
        private: true,
        type: 'module',
        dependencies: { ...deps, '@tensorflow/tfjs': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' },
        // The tarballs' own `@cl/*` dependencies resolve to the tarballs, never to the registry.
        overrides: { '@cl/core': '$@cl/core', '@cl/models': '$@cl/models' },
      },
      null,
      2,
    ),
  )
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], scratch)
  writeFileSync(path.join(scratch, 'check.mjs'), checkProgram())
  run('node', ['check.mjs'], scratch)
  ok = true
} catch (error) {
  console.error(`check-packed-train: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  if (!keep) rmSync(scratch, { recursive: true, force: true })
}
console.log(ok ? 'check-packed-train: PASS' : 'check-packed-train: FAIL')
process.exit(ok ? 0 : 1)

/** The program run in the scratch project: it sees only the installed tarballs. */
function checkProgram() {
  return String.raw`
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng, isClError } from '@cl/core'
import { createMlpEncoder } from '@cl/models'
import { stepSeed, train } from '@cl/train'
import { FileCheckpointStore } from '@cl/train/node'

const N = 60
const K = 23
const TARGET = [[1, 0, 0.5], [0, 2, -1], [1, 1, 0], [-0.5, 0.3, 1]]

function problem(initSeed) {
  const f = createMlpEncoder({ inputDim: 4, outputDim: 3, hiddenWidths: [32, 32], seed: initSeed })
  const job = {
    variables: f.namedVariables,
    loss: (step) => {
      const rng = createRng(stepSeed(11, 'packed', step))
      const x = tf.tensor2d(Float32Array.from(rng.normalArray(64 * 4)), [64, 4])
      return tf.mean(tf.square(tf.sub(f.apply(x), tf.matMul(x, tf.tensor2d(TARGET)))))
    },
  }
  return { f, job }
}
const bits = (f) => [...f.namedVariables].map(([name, v]) => [name, new Uint32Array(Float32Array.from(v.dataSync()).buffer)])
const options = { key: 'packed', steps: N, learningRate: 3e-3, checkpointEvery: 10 }

let failures = 0
for (const backend of ['cpu', 'wasm']) {
  if (!(await tf.setBackend(backend))) throw new Error('backend ' + backend + ' failed to initialise')
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-train-packed-ckpt-'))

  const full = problem(1)
  const fullResult = await train(full.job, { ...options, store: new FileCheckpointStore(path.join(dir, 'full')) })
  const expected = bits(full.f)

  const store = new FileCheckpointStore(path.join(dir, 'interrupted'))
  const first = problem(1)
  const controller = new AbortController()
  const err = await train(first.job, { ...options, store, signal: controller.signal, onStep: ({ step }) => { if (step === K) controller.abort('SIGINT') } }).catch((e) => e)
  if (!isClError(err, 'CL_INTERRUPTED')) throw new Error('expected an InterruptedError at step ' + K + ', got ' + err)
  first.f.dispose()

  const resumed = problem(2) // other initial weights: everything must come from the checkpoint file
  const before = tf.memory().numTensors
  const resumedResult = await train(resumed.job, { ...options, store })
  const leaked = tf.memory().numTensors - before
  const got = bits(resumed.f)
  let differing = 0
  let total = 0
  for (let i = 0; i < expected.length; i++) {
    const [name, e] = expected[i]
    const [name2, g] = got[i]
    if (name !== name2 || e.length !== g.length) throw new Error('variable mismatch ' + name + ' / ' + name2)
    for (let j = 0; j < e.length; j++) { total++; if (e[j] !== g[j]) differing++ }
  }
  const pass = differing === 0 && leaked === 0 && resumedResult.startStep === K && resumedResult.finalLoss === fullResult.finalLoss
  if (!pass) failures++
  console.log((pass ? 'PASS' : 'FAIL') + ' ' + backend + ': resumed at step ' + resumedResult.startStep + ' of ' + N + ', ' + (total - differing) + '/' + total +
    ' weights bit-identical, final loss ' + resumedResult.finalLoss + ' vs ' + fullResult.finalLoss + ' (uninterrupted), ' + leaked + ' tensors leaked')
  full.f.dispose()
  resumed.f.dispose()
}
process.exit(failures === 0 ? 0 : 1)
`
}
