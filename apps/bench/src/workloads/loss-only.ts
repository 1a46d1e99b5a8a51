import * as tf from '@tensorflow/tfjs'
import { lpInfoNce } from '@cl/infonce'
import type { Workload } from './workload.js'

const DIMS = 10

/** Offset of the positive view in the PyTorch reference (`loss_of(emb, emb + 0.05)`). */
export const POSITIVE_OFFSET = 0.05

/**
 * loss-only: the InfoNCE loss, its gradient and one Adam update on a random [N, 10] embedding variable alone, with
 * positive = embedding + 0.05 (torch_reference.py `--workload loss-only`): isolates the N×N part of a step.
 * Lp-InfoNCE p = 2, scalar τ = 1, negatives = the whole batch incl. self, Adam lr 1e-4.
 */
export const lossOnly: Workload = {
  name: 'loss-only',
  description: 'Lp-InfoNCE + gradient + Adam on a random [N, 10] variable, positive = it + 0.05 (the N×N part alone)',
  defaultN: 6144,
  quickN: 64,
  shape: { dims: DIMS, hiddenWidths: [], embedding: true },
  build({ n, seed }) {
    // tidy frees the initial value; the variable outlives it.
    const emb = tf.tidy(() => tf.variable(tf.randomNormal([n, DIMS], 0, 1, 'float32', seed), true, 'bench-loss-only/embedding'))
    return {
      learningRate: 1e-4,
      job: {
        variables: new Map([['embedding', emb]]),
        loss: () => lpInfoNce(emb as tf.Tensor2D, tf.add(emb, POSITIVE_OFFSET) as tf.Tensor2D, { tau: 1, p: 2 }).total as tf.Scalar,
      },
      dispose: () => emb.dispose(),
    }
  },
}
