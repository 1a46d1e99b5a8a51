import type { PresetName } from '../experiment.js'
import { CIFAR10_STEPS_PER_EPOCH, PAPER_IMAGE_SETTING, QUICK_IMAGE_SETTING } from '../images/presets.js'
import type { AppendixEConfig } from './config.js'

/**
 * DirectCLR (facebookresearch/directclr, reference of Appx. E) on the paper's CIFAR-10 ResNet-50 instead of ImageNet:
 * zero_init_residual, no projector, InfoNCE τ = 0.1 on r[:, :360], LARS (η = 0.001, biases and BN excluded) with
 * DirectCLR's base lr 4.8 at batch 4096 scaled to batch 256 (0.3), weight decay 1e-6, 10 warm-up epochs, cosine to
 * 0.001·lr over the remaining 90 of 100 epochs.
 */
export const appendixEPresets: Record<PresetName, AppendixEConfig> = {
  quick: {
    ...QUICK_IMAGE_SETTING,
    backbone: { arch: 'resnet-small-2', zeroInitResidual: true },
    lossDims: 12,
    tau: 0.1,
  },
  paper: {
    ...PAPER_IMAGE_SETTING,
    backbone: { arch: 'resnet50', zeroInitResidual: true },
    train: {
      ...PAPER_IMAGE_SETTING.train,
      learningRate: 0.3,
      cosineSteps: 90 * CIFAR10_STEPS_PER_EPOCH,
      finalLearningRate: 0.3e-3,
    },
    lossDims: 360,
    tau: 0.1,
  },
}

/** Appx. E's numbers: linear readout on h vs on r (ImageNet, ResNet-50, DirectCLR; mean ± std in %). */
export const APPENDIX_E_PAPER = {
  dataset: 'ImageNet',
  readoutH: [63.1, 0.9] as [number, number],
  readoutR: [61.6, 1.6] as [number, number],
  lossDims: 360,
  width: 2048,
}
