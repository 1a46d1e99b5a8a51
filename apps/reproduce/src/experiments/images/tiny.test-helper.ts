/** `--set` overrides that shrink an image experiment to seconds on the cpu backend (8 px crops, batch 8, 40 images). */
export const TINY_IMAGE_OVERRIDES = [
  'data.sslTrainImages=40',
  'data.readoutTrainImages=40',
  'data.readoutTestImages=20',
  'augment.size=8',
  'train.steps=3',
  'train.batchSize=8',
  'train.warmupSteps=1',
  'train.cosineSteps=2',
  'readout.maxIterations=20',
  'evalBatchSize=20',
].flatMap((s) => ['--set', s])
