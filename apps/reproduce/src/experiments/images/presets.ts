import type { ImageExperimentConfig } from './config.js'

/** CIFAR-10 steps per epoch at batch 256 with drop_last (PatrickHua/SimSiam's loaders): ⌊50 000 / 256⌋. */
export const CIFAR10_STEPS_PER_EPOCH = 195

/**
 * The paper's CIFAR-10 setting (§4.2, "the code from [10]" = PatrickHua/SimSiam configs/simclr_cifar.yaml with a
 * ResNet-50): CIFAR stem, batch 256, LARS with momentum 0 (the yaml lacks the key, issue #32, and users add 0.9, but
 * `LARS_simclr.step` never stores its velocity, so every update of the reference is momentum-free; `--set
 * train.momentum=0.9` gives SimCLR's intended LARS), lr 0.3·256/256,
 * weight decay 1e-6, 10 warm-up epochs, cosine over the remaining 790 of num_epochs 800 but stop_at_epoch 100; readout
 * on all 50 000 / 10 000 images. Needs a GPU backend (tensorflow or webgpu).
 */
export const PAPER_IMAGE_SETTING: ImageExperimentConfig = {
  data: { dataset: 'cifar10', download: false, sslTrainImages: 50_000, readoutTrainImages: 50_000, readoutTestImages: 10_000 },
  augment: { size: 32 },
  backbone: { arch: 'resnet50', zeroInitResidual: false },
  train: {
    steps: 100 * CIFAR10_STEPS_PER_EPOCH,
    batchSize: 256,
    optimizer: 'lars',
    learningRate: 0.3,
    momentum: 0,
    weightDecay: 1e-6,
    warmupSteps: 10 * CIFAR10_STEPS_PER_EPOCH,
    cosineSteps: 790 * CIFAR10_STEPS_PER_EPOCH,
    finalLearningRate: 0,
  },
  readout: { l2: 1e-4, maxIterations: 500 },
  evalBatchSize: 500,
}

/**
 * The quick setting: Fashion-MNIST (offline, 1 channel, 28 px) cropped to 16 px, `resnet-small`, a few hundred Adam
 * steps. Adam instead of LARS: LARS moves every weight tensor by at most lr·η = 0.3·10⁻³ of its norm per step, far too
 * little for a few hundred steps. Weight decay 10⁻⁴ instead of 10⁻⁶ for the same reason (the run is ~60× shorter).
 * Calibrated on a 2-core machine (docs/images): loss decreasing, readouts far above chance, all three image
 * experiments within ~15 minutes on wasm.
 */
export const QUICK_IMAGE_SETTING: ImageExperimentConfig = {
  data: { dataset: 'fashion-mnist', download: false, sslTrainImages: 5000, readoutTrainImages: 2000, readoutTestImages: 1000 },
  augment: { size: 16 },
  backbone: { arch: 'resnet-small', zeroInitResidual: false },
  train: {
    steps: 300,
    batchSize: 64,
    optimizer: 'adam',
    learningRate: 1e-3,
    momentum: 0.9,
    weightDecay: 1e-4,
    warmupSteps: 30,
    cosineSteps: 270,
    finalLearningRate: 0,
  },
  readout: { l2: 1e-4, maxIterations: 300 },
  evalBatchSize: 250,
}
