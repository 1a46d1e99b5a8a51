export { type Module, type Encoder } from './encoder.js'
export { ACTIVATIONS, DEFAULT_LEAKY_SLOPE, applyActivation, type Activation } from './activation.js'
export { WEIGHT_INITS, initLinear, pytorchUniformBound, weightBound, type LinearInit, type WeightInit } from './init.js'
export { createDense, type Dense, type DenseOptions } from './dense.js'
export {
  OUTPUT_NORMALIZATIONS,
  SPHERE_RADIUS_NAME,
  BOX_BOUND_NAME,
  unitSphere,
  type OutputNormalization,
  type OutputNormalizationLayer,
} from './output-normalization.js'
export { createMlpEncoder, referenceHiddenWidths, type MlpEncoder, type MlpEncoderOptions } from './mlp-encoder.js'
export { createLinearEncoder, type LinearEncoder, type LinearEncoderOptions } from './linear-encoder.js'
export {
  createStandardization,
  DEFAULT_STANDARDIZATION_EPSILON,
  RUNNING_MEAN_NAME,
  RUNNING_VAR_NAME,
  type Standardization,
  type StandardizationOptions,
} from './standardize.js'
export {
  createProjector,
  withProjector,
  DEFAULT_PROJECTION_DIM,
  type ProjectorOptions,
  type WithProjectorOptions,
  type ProjectedEncoder,
  type BeforeAfterProjector,
} from './projector.js'
export {
  serializeVariables,
  assignVariables,
  prefixVariables,
  type SerializedTensor,
  type SerializedWeights,
  type WeightsInput,
  type NamedVariables,
} from './serialize.js'
export { ParameterStore } from './parameters.js'
export { uniqueScope } from './naming.js'
export { type SeedLike } from './validate.js'
export { applyToViews } from './apply-views.js'
export { createConv2d, initConvKernel, kaimingNormalFanOutStd, type Conv2d, type Conv2dOptions } from './conv2d.js'
export {
  createBatchNorm2d,
  isBatchNormVariable,
  BATCH_NORM_VARIABLES,
  DEFAULT_BATCH_NORM_MOMENTUM,
  DEFAULT_BATCH_NORM_EPSILON,
  type BatchNorm2d,
  type BatchNorm2dOptions,
} from './batch-norm.js'
export {
  createResNetBlock,
  BLOCK_EXPANSION,
  type ResNetBlock,
  type ResNetBlockOptions,
  type ResNetBlockType,
} from './resnet-block.js'
export {
  createResNet,
  resolveResNetArch,
  resNetOutputDim,
  RESNET_ARCHS,
  type ResNetArch,
  type ResNetArchSpec,
  type ResNetOptions,
  type ResNetEncoder,
} from './resnet.js'
