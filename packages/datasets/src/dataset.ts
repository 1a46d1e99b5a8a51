/** The in-memory image dataset shape every loader returns (uint8 NHWC, labels per image). */

/** One split: `count` images stored NHWC as uint8 (`count·height·width·channels` bytes) and one label byte each. */
export interface ImageSplit {
  readonly images: Uint8Array
  readonly labels: Uint8Array
  readonly count: number
}

/** A labelled image dataset with a train and a test split and the per-channel normalisation its pipeline uses. */
export interface ImageDataset {
  /** 'cifar10' | 'fashion-mnist' */
  readonly name: string
  readonly height: number
  readonly width: number
  readonly channels: number
  readonly classNames: readonly string[]
  readonly train: ImageSplit
  readonly test: ImageSplit
  /** Per-channel mean of [0,1] pixels used by {@link normalizeImages} (see each loader for where it comes from). */
  readonly mean: readonly number[]
  /** Per-channel standard deviation of [0,1] pixels used by {@link normalizeImages}. */
  readonly std: readonly number[]
  /** Where the data was read from (a directory, or package@version), for run metadata. */
  readonly source: string
}
