export { lpInfoNce, type LpInfoNceOptions } from './lp-infonce.js'
export { cosineInfoNce, type CosineInfoNceOptions } from './cosine-infonce.js'
export { ntXent, type NtXentOptions } from './nt-xent.js'
export { evaluateInfoNce, type EvaluateInfoNceOptions, type ChunkOptions } from './evaluate.js'
export { type InfoNceTerms, type InfoNceValues } from './terms.js'
export { type Negatives } from './negatives.js'
export {
  prop3TauContent,
  contentStyleTau,
  resolveTemperature,
  type Temperature,
  type ContentStyleTauOptions,
  type ResolvedTemperature,
} from './temperature.js'
export {
  createLearnableTemperature,
  type LearnableTemperature,
  type LearnableTemperatureOptions,
} from './learnable-temperature.js'
export { logSumExp, MASK_VALUE } from './logsumexp.js'
export { pairwiseLogSumExp, type PairwiseLseOptions } from './pairwise-lse.js'
export {
  PAIRWISE_LSE_FORWARD,
  PAIRWISE_LSE_BACKWARD,
  type PairwiseForm,
  type PairwiseLseAttrs,
} from './pairwise-lse-kernel.js'
export { type Implementation, type ImplementationOptions } from './candidate-lse.js'
export {
  registerPairwiseLseKernels,
  hasPairwiseLseKernel,
  PAIRWISE_LSE_BACKENDS,
  setPairwiseLseThreads,
  getPairwiseLseThreads,
  MAX_PAIRWISE_LSE_THREADS,
  DEFAULT_MAX_PAIRWISE_LSE_THREADS,
  disposePairwiseLsePool,
  PairwiseLseKernelError,
  pairwiseLseImplementation,
  pairwiseLseKernelUnavailableReason,
  type PairwiseLseImplementation,
} from './kernel/index.js'
export { negPairwiseLpDistance, rowwiseLpDistance } from './distance.js'
export { l2Normalize, pairwiseSimilarity, rowwiseSimilarity } from './similarity.js'
export { alignmentLoss, uniformityLoss } from './alignment-uniformity.js'
export { type FiniteCheck } from './validate.js'
export { representationGradients, type RepresentationGradients } from './representation-gradients.js'
export {
  createAdaptiveTemperature,
  prop3TargetTau,
  emaLogTau,
  pairCovariances,
  untemperedDistanceLoss,
  type AdaptiveTemperature,
  type AdaptiveTemperatureOptions,
  type AdaptiveTemperatureReading,
  type AdaptiveTemperatureSource,
  type AdaptiveTemperatureUpdate,
} from './adaptive-temperature.js'
