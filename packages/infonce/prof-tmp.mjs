import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { lpInfoNce, cosineInfoNce } from './dist/index.js'
await tf.setBackend('wasm')
const n = Number(process.env.N ?? 6144), d = 10
const impl = process.env.IMPL ?? 'fused'
const f = tf.randomUniform([n, d], 0, 1, 'float32', 1)
const fp = tf.add(f, tf.randomNormal([n, d], 0, 0.05, 'float32', 2))
const loss = process.env.LOSS === 'cos' ? cosineInfoNce : lpInfoNce
for (let i = 0; i < Number(process.env.STEPS ?? 3); i++) {
  const t0 = performance.now()
  const g = tf.grads((x, y) => loss(x, y, { implementation: impl }).total)([f, fp])
  g[0].dataSync(); tf.dispose(g)
  console.log(impl, n, (performance.now() - t0).toFixed(0), 'ms')
}
