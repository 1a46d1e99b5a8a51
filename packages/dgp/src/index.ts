export { createDgp, type ConfiguredDgp, type DgpConfig, type ResolvedDgpConfig } from './create-dgp.js'
export {
  assembleDgp,
  type Dgp,
  type DgpArrays,
  type DgpBatch,
  type DgpMetadata,
  type DgpParts,
  type NegativesMode,
} from './dgp.js'
export { dgpConfigSchema, DEFAULT_DIMS, DEFAULT_SIGMA, DEFAULT_VMF_KAPPA, type ParsedDgpConfig } from './config.js'
export { resolveContentStyleSplit } from './content-style.js'
export type { LatentSpace } from './latent-space.js'
export { createHyperbox, type Hyperbox } from './hyperbox.js'
export { createHypersphere, normalizeInPlace, type Hypersphere } from './hypersphere.js'
export { sampleTruncated, sampleTruncatedNormal, DEFAULT_MAX_REJECTIONS, type NoiseKind } from './truncated-normal.js'
export { sampleVmf, sampleVmfCosine } from './vmf.js'
export {
  conditionalScales,
  createBoxConditional,
  createSphereNoiseConditional,
  createSphereVmfConditional,
  type Conditional,
} from './conditional.js'
export {
  conditionNumber,
  drawColumnNormalizedUniform,
  drawConditionedMatrix,
  estimateConditionThreshold,
  DEFAULT_THRESHOLD_DRAWS,
} from './condition-number.js'
export { SamplingLimitError } from './errors.js'
export { createIdentityGenerator, defineGenerator, isGenerator, type Generator } from './generator.js'
export {
  createInvertibleMlp,
  invertibleMlpFromWeights,
  DEFAULT_MLP_LAYERS,
  DEFAULT_MLP_SLOPE,
  type InvertibleMlp,
  type InvertibleMlpOptions,
  type MlpLayer,
} from './invertible-mlp.js'
export { createLinearGenerator, linearGeneratorFromMatrix, type LinearGenerator } from './linear-generator.js'
