import { InvalidConfigError } from '@cl/core'
import { resNetOutputDim, resolveResNetArch } from '@cl/models'
import { resNetArch } from '../images/simclr-model.js'
import { preflightImages } from '../images/preflight.js'
import { checkTemperature } from '../temperature-check.js'
import type { AppendixEConfig } from './config.js'

/**
 * The data is there, τ survives float32, the backbone's last block has an identity shortcut (r = h + conv(h), eq. 28:
 * the last stage has ≥ 2 blocks, as ResNet-50's layer4) and d < the backbone width.
 */
export function preflightAppendixE(config: AppendixEConfig): void {
  preflightImages(config)
  checkTemperature('config.tau', config.tau)
  const arch = resNetArch(config.backbone.arch)
  if (resolveResNetArch(arch).layers.at(-1)! < 2) {
    throw new InvalidConfigError('config.backbone.arch', "an architecture whose last block has an identity shortcut (r = h + conv(h); e.g. 'resnet50', 'resnet18', 'resnet-small-2')", config.backbone.arch)
  }
  const width = resNetOutputDim(arch)
  if (config.lossDims >= width) throw new InvalidConfigError('config.lossDims', `an integer < the backbone width ${width} (${config.backbone.arch})`, config.lossDims)
}
