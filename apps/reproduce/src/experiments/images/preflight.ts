import type { ImageExperimentConfig } from './config.js'
import { checkImageData } from './data.js'

/**
 * Checks shared by the image experiments before a run directory exists: CIFAR-10 is on disk (or `data.download` is
 * on) — else an {@link ImageDataMissingError} naming `config.data.dir` and how to get the data.
 */
export function preflightImages(config: ImageExperimentConfig): void {
  checkImageData(config.data)
}
