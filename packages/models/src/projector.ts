import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertOptionKeys } from '@cl/core'
import type { Encoder } from './encoder.js'
import { buildMlp, type MlpEncoder } from './mlp-encoder.js'
import { resolveScope } from './naming.js'
import { assignVariables, prefixVariables, serializeVariables } from './serialize.js'
import { createStandardization, type Standardization, type StandardizationOptions } from './standardize.js'
import { assertDim, type SeedLike } from './validate.js'

/** Default projector output width: SimSiam's `projection_MLP(in_dim, out_dim=256)` (`models/simclr.py`). */
export const DEFAULT_PROJECTION_DIM = 256

/** Options of {@link createProjector}. */
export interface ProjectorOptions {
  readonly inputDim: number
  /** Hidden width (default: inputDim, as SimSiam's SimCLR head Linear(in, in)). */
  readonly hiddenDim?: number
  /** Output width (default 256). */
  readonly outputDim?: number
  readonly seed: SeedLike
  /** Variable scope (default: a fresh `projector_<n>`). */
  readonly name?: string
  readonly trainable?: boolean
}

/**
 * The SimCLR projection head of PatrickHua/SimSiam (`models/simclr.py`, the paper's CIFAR-10 code): Linear(in, hidden) → ReLU → Linear(hidden, out), with
 * biases, no BatchNorm, PyTorch `nn.Linear` init. Taps: `hidden_1` (post-ReLU) and `output`.
 */
export function createProjector(options: ProjectorOptions): MlpEncoder {
  const root = 'projector'
  assertOptionKeys(root, options, ['inputDim', 'hiddenDim', 'outputDim', 'seed', 'name', 'trainable'])
  assertDim(`${root}.inputDim`, options.inputDim)
  const hiddenDim = options.hiddenDim ?? options.inputDim
  assertDim(`${root}.hiddenDim`, hiddenDim)
  const { hiddenDim: _h, ...rest } = options
  return buildMlp(
    { ...rest, outputDim: options.outputDim ?? DEFAULT_PROJECTION_DIM, hiddenWidths: [hiddenDim], activation: 'relu' },
    root,
    'projector',
  )
}

/** Options of {@link withProjector}. */
export interface WithProjectorOptions {
  /** Projector hidden width (default: the backbone's outputDim). */
  readonly hiddenDim?: number
  /** Projector output width (default 256). */
  readonly outputDim?: number
  /**
   * Standardise the projector output (paper §4.2; see standardize.ts for the interpretation). `true` for the defaults,
   * or options (ε, running statistics). Default false.
   */
  readonly standardize?: boolean | Omit<StandardizationOptions, 'dims' | 'name'>
  /** Seed of the projector init (the backbone keeps its own). */
  readonly seed: SeedLike
  /** Scope of the composed model (default: a fresh `projected_<n>`); the head lives under `${name}/projector`. */
  readonly name?: string
  readonly trainable?: boolean
}

/** Representations before and after the projector, for the same inputs. */
export type BeforeAfterProjector = {
  /** Backbone output ("before the projector"), [batch, backbone.outputDim]. */
  readonly features: tf.Tensor2D
  /** Projector output, standardised if configured ("after the projector"), [batch, outputDim]. */
  readonly projection: tf.Tensor2D
}


/** A backbone followed by a projector head (and optional standardisation); see {@link withProjector}. */
export interface ProjectedEncoder<I extends tf.Tensor = tf.Tensor2D> extends Encoder<I> {
  readonly backbone: Encoder<I>
  readonly projector: MlpEncoder
  readonly standardization: Standardization | null
  /** Both representations from one forward pass (the loss uses `projection`, readouts use either). */
  applyBoth(x: I): BeforeAfterProjector
  /** Training / evaluation mode of the backbone (if it has modes) and of the standardisation's running statistics. */
  setTraining(training: boolean): void
}

/**
 * Compose any backbone with a Linear-ReLU-Linear projector so that both "before" and "after" the projector are
 * reachable (paper Table 2 / Fig. 2). `apply(x)` is the projection (what the loss sees); `applyBoth(x)` returns
 * `{ features, projection }`. Taps: the backbone's taps prefixed `backbone/`, then `projector/hidden_1`,
 * `projector/output`, and `standardized` if configured. Weights are keyed `backbone/…`, `projector/…`,
 * `standardization/…`. The composed model owns the backbone: `dispose()` releases the backbone too.
 */
export function withProjector<I extends tf.Tensor = tf.Tensor2D>(backbone: Encoder<I>, options: WithProjectorOptions): ProjectedEncoder<I> {
  const root = 'withProjector'
  assertOptionKeys(root, options, ['hiddenDim', 'outputDim', 'standardize', 'seed', 'name', 'trainable'])
  if (typeof backbone !== 'object' || backbone === null || typeof backbone.apply !== 'function') {
    throw new InvalidConfigError('backbone', 'an Encoder', backbone)
  }
  const scope = resolveScope(`${root}.name`, options.name, 'projected')
  const projector = createProjector({
    inputDim: backbone.outputDim,
    seed: options.seed,
    name: `${scope}/projector`,
    ...(options.hiddenDim === undefined ? {} : { hiddenDim: options.hiddenDim }),
    ...(options.outputDim === undefined ? {} : { outputDim: options.outputDim }),
    ...(options.trainable === undefined ? {} : { trainable: options.trainable }),
  })
  const std = options.standardize ?? false
  let standardization: Standardization | null = null
  try {
    if (std !== false) {
      const stdOptions = std === true ? {} : std
      if (typeof stdOptions !== 'object' || stdOptions === null) throw new InvalidConfigError(`${root}.standardize`, 'a boolean or standardisation options', std)
      standardization = createStandardization({ ...stdOptions, dims: projector.outputDim, name: `${scope}/standardization` })
    }
  } catch (e) {
    projector.dispose()
    throw e
  }
  type Named = readonly [string, { readonly namedVariables: ReadonlyMap<string, tf.Variable> }]
  const modules: Named[] = [['backbone', backbone], ['projector', projector]]
  if (standardization) modules.push(['standardization', standardization])
  const named = (): Map<string, tf.Variable> => {
    const all = new Map<string, tf.Variable>()
    for (const [prefix, m] of modules) for (const [k, v] of prefixVariables(prefix, m.namedVariables)) all.set(k, v)
    return all
  }
  const head = (features: tf.Tensor2D): tf.Tensor2D => {
    const p = projector.apply(features)
    return standardization ? standardization.apply(p) : p
  }

  return {
    scope,
    inputShape: backbone.inputShape,
    outputDim: projector.outputDim,
    backbone,
    projector,
    standardization,
    tapNames: [
      ...backbone.tapNames.map((n) => `backbone/${n}`),
      ...projector.tapNames.map((n) => `projector/${n}`),
      ...(standardization ? ['standardized'] : []),
    ],
    tapWidths: [...backbone.tapWidths, ...projector.tapWidths, ...(standardization ? [projector.outputDim] : [])],
    get namedVariables() {
      return named()
    },
    get trainableVariables() {
      return [...named().values()].filter((v) => v.trainable)
    },
    apply: (x) => tf.tidy(() => head(backbone.apply(x))),
    applyBoth: (x) =>
      tf.tidy(() => {
        const features = backbone.apply(x)
        return { features, projection: head(features) }
      }),
    applyWithTaps: (x) =>
      tf.tidy(() => {
        const taps = backbone.applyWithTaps(x)
        const projTaps = projector.applyWithTaps(taps[taps.length - 1]!)
        const out = [...taps, ...projTaps]
        if (standardization) out.push(standardization.apply(projTaps[projTaps.length - 1]!))
        return out
      }),
    setTraining: (flag) => {
      if (typeof flag !== 'boolean') throw new InvalidConfigError('training', 'a boolean', flag)
      backbone.setTraining?.(flag)
      standardization?.setTraining(flag)
    },
    getWeights: () => serializeVariables(named()),
    setWeights: (weights) => assignVariables(named(), weights),
    dispose: () => {
      standardization?.dispose()
      projector.dispose()
      backbone.dispose()
    },
  }
}
