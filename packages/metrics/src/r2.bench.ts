import { createRng } from '@cl/core'
import { bench, describe } from 'vitest'
import { r2ContentStyle, r2Score } from './r2.js'

/**
 * Issue target: R² on N = 10 000 samples of a 500-wide layer in < 5 s on the 2-core project machine.
 * Data: a float32 layer [10 000 × 500] (as read back from a tf.Tensor2D) and d = 10 latents.
 * Run: `cd packages/metrics && npx vitest bench --run` (or `pnpm bench`).
 */
const n = 10_000
const width = 500
const d = 10
const rng = createRng(123)
const layer = new Float32Array(n * width)
const latents = new Float32Array(n * d)
for (let i = 0; i < n; i++) {
  for (let k = 0; k < d; k++) latents[i * d + k] = rng.uniform()
  for (let j = 0; j < width; j++) {
    // each unit mixes two latents plus noise
    layer[i * width + j] = latents[i * d + (j % d)]! - 0.5 * latents[i * d + ((j * 7) % d)]! + 0.1 * rng.normal()
  }
}
const x = { data: layer, shape: [n, width] as const }
const z = { data: latents, shape: [n, d] as const }

describe('R², N = 10 000, 500-wide layer, d = 10', () => {
  bench('r2Score in-sample, adjusted', () => {
    r2Score(x, z, { adjusted: true })
  }, { iterations: 3, warmupIterations: 1 })
  bench('r2ContentStyle, held-out 50 %, adjusted', () => {
    r2ContentStyle(x, z, { contentIndices: [0, 1, 2, 3, 4], styleIndices: [5, 6, 7, 8, 9], adjusted: true, testFraction: 0.5 })
  }, { iterations: 3, warmupIterations: 1 })
})
