import type { Rng } from '@cl/core'

/**
 * PyTorch `nn.Linear` default initialisation, re-implemented on the seeded plain-TS PRNG of `@cl/core` so that a seed
 * gives bit-identical weights on every tfjs backend (cl-ica's encoder keeps PyTorch's default init).
 *
 * PyTorch draws the weight with `kaiming_uniform_(a = √5)`, whose bound is gain·√(3/fan_in) with
 * gain = √(2/(1 + 5)), i.e. exactly 1/√fan_in, and the bias from U(−1/√fan_in, 1/√fan_in). So every weight and every
 * bias is i.i.d. U(−1/√fan_in, 1/√fan_in): mean 0, standard deviation (1/√fan_in)/√3.
 */
export function pytorchUniformBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn)
}

/**
 * How the weights of a dense layer are drawn (biases always follow PyTorch's U(±1/√fan_in)):
 * - `'pytorch'` (default): PyTorch `nn.Linear`'s U(±1/√fan_in) (kaiming_uniform with a = √5);
 * - `'heUniform'`: U(±√(6/fan_in)), i.e. PyTorch `kaiming_uniform_(w, nonlinearity='relu')` (He et al. 2015) — the
 *   same draws scaled by √6. Deep leaky-ReLU encoders keep their activation scale through the layers with it; with the
 *   PyTorch default a 7-layer MLP starts with activations shrunk ~(1/√3)^depth and can stall (README "Initialisation").
 */
export type WeightInit = 'pytorch' | 'heUniform'

/** The allowed {@link WeightInit} values. */
export const WEIGHT_INITS: readonly WeightInit[] = ['pytorch', 'heUniform']

/** Half-width of the uniform weight distribution of a layer with `fanIn` inputs under `init`. */
export function weightBound(init: WeightInit, fanIn: number): number {
  return init === 'heUniform' ? Math.sqrt(6 / fanIn) : pytorchUniformBound(fanIn)
}

/** Initial values of one linear layer. `kernel` is row-major [inputDim, outputDim] (= Wᵀ, see {@link initLinear}). */
export interface LinearInit {
  readonly kernel: Float32Array
  readonly bias: Float32Array | null
}

/**
 * Draw a linear layer's initial values. The weight is drawn in PyTorch's order (W is [out, in], row-major: all inputs
 * of output 0 first) and stored transposed as the tfjs kernel K = Wᵀ ([in, out]) so that y = x·K + b = x·Wᵀ + b. The
 * bias (if any) is drawn after the whole weight from the same stream.
 */
export function initLinear(rng: Rng, inputDim: number, outputDim: number, useBias: boolean, weightInit: WeightInit = 'pytorch'): LinearInit {
  const bound = weightBound(weightInit, inputDim)
  const kernel = new Float32Array(inputDim * outputDim)
  for (let o = 0; o < outputDim; o++) {
    for (let i = 0; i < inputDim; i++) kernel[i * outputDim + o] = rng.uniformRange(-bound, bound)
  }
  let bias: Float32Array | null = null
  if (useBias) {
    bias = new Float32Array(outputDim)
    const biasBound = pytorchUniformBound(inputDim)
    for (let o = 0; o < outputDim; o++) bias[o] = rng.uniformRange(-biasBound, biasBound)
  }
  return { kernel, bias }
}
