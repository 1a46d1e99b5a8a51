import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
await tf.setBackend('wasm')
const T = 1024
const x = tf.randomNormal([T, T]); const col = tf.randomNormal([T, 1]); const a = tf.randomNormal([T, 12]); const bT = tf.randomNormal([12, T])
const b11 = tf.randomNormal([T, 11]); const a11 = tf.randomNormal([11, T])
const cases = {
  exp: () => tf.exp(x), softmax: () => tf.softmax(x), max1: () => tf.max(x, 1, true), sum1: () => tf.sum(x, 1, true),
  subBcast: () => tf.sub(x, col), mulBcast: () => tf.mul(x, col), mulSame: () => tf.mul(x, x), minScalar: () => tf.minimum(x, 0),
  addScalar: () => tf.add(x, 1), logits_mm: () => tf.matMul(a, bT), Gb_mm: () => tf.matMul(x, b11), aTG_mm: () => tf.matMul(a11, x),
  relu: () => tf.relu(x), neg: () => tf.neg(x), square: () => tf.square(x), sigmoid: () => tf.sigmoid(x), abs: () => tf.abs(x), pow: () => tf.pow(x, 1.5), sign: () => tf.sign(x),
}
for (const [name, fn] of Object.entries(cases)) {
  for (let i = 0; i < 2; i++) tf.dispose(fn())
  const t0 = performance.now(); const R = 10
  for (let i = 0; i < R; i++) { const y = fn(); y.dataSync(); y.dispose() }
  const ms = (performance.now() - t0) / R
  console.log(name.padEnd(10), ms.toFixed(2), 'ms', (ms * 1e6 / (T * T)).toFixed(2), 'ns/elt')
}
