/**
 * CIFAR-10 (Krizhevsky 2009) from the official binary distribution, the dataset of the paper's §4.2 (Table 2, Fig. 2).
 *
 * Format (https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"): data_batch_1..5.bin and test_batch.bin hold
 * 10 000 records each; a record is 1 label byte then 3 072 pixel bytes, the 32×32 red plane, then green, then blue
 * (CHW, row-major). batches.meta.txt lists the class names, one a line. Images are converted to HWC here.
 */
import { promises as fs } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { assertOptionKeys, InvalidConfigError } from '@cl/core'
import type { ImageDataset, ImageSplit } from './dataset.js'
import { DatasetFileError } from './errors.js'
import { CIFAR10_ARCHIVE_MD5, CIFAR10_ARCHIVE_URL, downloadAndExtract } from './download.js'

export const CIFAR10_SIDE = 32
export const CIFAR10_CHANNELS = 3
/** Bytes per record: 1 label + 3·32·32 pixels. */
export const CIFAR10_RECORD_BYTES = 1 + CIFAR10_CHANNELS * CIFAR10_SIDE * CIFAR10_SIDE
export const CIFAR10_RECORDS_PER_FILE = 10_000
/** Size of every official .bin file: 10 000 records × 3 073 bytes = 30 730 000. */
export const CIFAR10_FILE_BYTES = CIFAR10_RECORD_BYTES * CIFAR10_RECORDS_PER_FILE
export const CIFAR10_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const
export const CIFAR10_TEST_FILE = 'test_batch.bin'
/** The folder the official archive extracts to. */
export const CIFAR10_FOLDER = 'cifar-10-batches-bin'
/** Class names of batches.meta.txt, used when that file is absent. */
export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const
/**
 * ImageNet channel mean / std: PatrickHua/SimSiam normalises CIFAR-10 with these (augmentations/simclr_aug.py and
 * eval_aug.py, `imagenet_mean_std`), not with CIFAR-10's own statistics; kept for reference behaviour.
 */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const

/** Default download / cache folder: `$XDG_CACHE_HOME/cl-datasets/cifar10` or `~/.cache/cl-datasets/cifar10`. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'cl-datasets', 'cifar10')
}

export interface Cifar10Options {
  /** A directory holding the .bin files, or its parent holding `cifar-10-batches-bin/`. Default: `cacheDir`. */
  dir?: string
  /** Where `download: true` stores and extracts the archive (default {@link defaultCacheDir}); read when `dir` is absent. */
  cacheDir?: string
  /** Download the official archive once when the files are not there yet (default false: never touches the network). */
  download?: boolean
  /** Injectable fetch (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch
  /** Called while downloading with the bytes received and the total (Content-Length, or 0 when unknown). */
  onProgress?: (bytes: number, total: number) => void
  /** Archive URL (default the official one). */
  url?: string
  /** Expected md5 of the archive, lower-case hex (default the published one). */
  md5?: string
}

const OPTION_KEYS = ['dir', 'cacheDir', 'download', 'fetch', 'onProgress', 'url', 'md5']

async function exists(path: string): Promise<boolean> {
  try {
    await fs.stat(path)
    return true
  } catch {
    return false
  }
}

/** The folder that holds data_batch_1.bin: `dir` itself or `dir/cifar-10-batches-bin`; undefined when neither. */
export async function findCifar10Folder(dir: string): Promise<string | undefined> {
  if (await exists(join(dir, CIFAR10_TRAIN_FILES[0]))) return dir
  const nested = join(dir, CIFAR10_FOLDER)
  if (await exists(join(nested, CIFAR10_TRAIN_FILES[0]))) return nested
  return undefined
}

/**
 * Load CIFAR-10 (50 000 train, 10 000 test, 32×32×3, HWC uint8). Every .bin file is checked before any is decoded:
 * a missing file or a size other than 30 730 000 bytes throws a {@link DatasetFileError} naming the file.
 * `mean`/`std` are ImageNet's (PatrickHua/SimSiam's normalisation, see {@link IMAGENET_MEAN}).
 */
export async function loadCifar10(options: Cifar10Options = {}): Promise<ImageDataset> {
  assertOptionKeys('loadCifar10 options', options, OPTION_KEYS)
  for (const key of ['dir', 'cacheDir'] as const) {
    const v = options[key]
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new InvalidConfigError(key, 'a directory path', v)
  }
  if (options.download !== undefined && typeof options.download !== 'boolean') throw new InvalidConfigError('download', 'a boolean', options.download)
  if (options.md5 !== undefined && !/^[0-9a-fA-F]{32}$/.test(String(options.md5))) throw new InvalidConfigError('md5', '32 hexadecimal digits', options.md5)
  if (options.url !== undefined && !URL.canParse(String(options.url))) throw new InvalidConfigError('url', 'an absolute URL', options.url)
  const location = options.dir ?? options.cacheDir ?? defaultCacheDir()
  let folder = await findCifar10Folder(location)
  if (folder === undefined && options.download === true) {
    await downloadAndExtract({
      url: options.url ?? CIFAR10_ARCHIVE_URL,
      md5: options.md5 ?? CIFAR10_ARCHIVE_MD5,
      dir: location,
      folder: CIFAR10_FOLDER,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    })
    folder = await findCifar10Folder(location)
  }
  if (folder === undefined) {
    throw new DatasetFileError(
      join(location, CIFAR10_TRAIN_FILES[0]),
      'missing',
      `not found (nor ${join(location, CIFAR10_FOLDER, CIFAR10_TRAIN_FILES[0])}); pass dir: the folder of the CIFAR-10 binary version, or download: true`,
    )
  }
  return readCifar10Folder(folder, CIFAR10_RECORDS_PER_FILE)
}

/**
 * Read and decode the six .bin files of `folder`. `recordsPerFile` is 10 000 for the official files; tests use smaller
 * files. Internal: not exported from the package.
 */
export async function readCifar10Folder(folder: string, recordsPerFile: number): Promise<ImageDataset> {
  const expectedBytes = recordsPerFile * CIFAR10_RECORD_BYTES
  const files = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].map((f) => join(folder, f))
  for (const file of files) {
    let size: number
    try {
      size = (await fs.stat(file)).size
    } catch (cause) {
      throw new DatasetFileError(file, 'missing', 'not found (CIFAR-10 binary version needs data_batch_1..5.bin and test_batch.bin)', undefined, { cause })
    }
    if (size !== expectedBytes) {
      const what = size < expectedBytes ? 'truncated' : 'oversized'
      throw new DatasetFileError(file, 'size', `${what}: expected ${expectedBytes} bytes, found ${size}`, { expected: expectedBytes, actual: size })
    }
  }
  const train = allocSplit(CIFAR10_TRAIN_FILES.length * recordsPerFile)
  for (let f = 0; f < CIFAR10_TRAIN_FILES.length; f++) {
    decodeCifarRecords(await readChecked(files[f]!, expectedBytes), recordsPerFile, train, f * recordsPerFile)
  }
  const test = allocSplit(recordsPerFile)
  decodeCifarRecords(await readChecked(files[CIFAR10_TRAIN_FILES.length]!, expectedBytes), recordsPerFile, test, 0)
  for (const split of [train, test]) {
    for (let i = 0; i < split.count; i++) {
      if (split.labels[i]! >= CIFAR10_CLASS_NAMES.length) {
        throw new DatasetFileError(folder, 'format', `record ${i} of the ${split === train ? 'train' : 'test'} split has label ${split.labels[i]}, expected 0..9`)
      }
    }
  }
  return {
    name: 'cifar10',
    height: CIFAR10_SIDE,
    width: CIFAR10_SIDE,
    channels: CIFAR10_CHANNELS,
    classNames: await readClassNames(folder),
    train,
    test,
    mean: [...IMAGENET_MEAN],
    std: [...IMAGENET_STD],
    source: folder,
  }
}

async function readChecked(file: string, expectedBytes: number): Promise<Uint8Array> {
  const bytes = await fs.readFile(file)
  if (bytes.length !== expectedBytes) {
    throw new DatasetFileError(file, 'size', `changed while reading: expected ${expectedBytes} bytes, read ${bytes.length}`, { expected: expectedBytes, actual: bytes.length })
  }
  return bytes
}

function allocSplit(count: number): { images: Uint8Array; labels: Uint8Array; count: number } {
  return { images: new Uint8Array(count * CIFAR10_RECORD_BYTES - count), labels: new Uint8Array(count), count }
}

/** Decode `records` CIFAR records (label, R plane, G plane, B plane) into HWC images starting at image `at`. */
export function decodeCifarRecords(bytes: Uint8Array, records: number, into: ImageSplit, at: number): void {
  const plane = CIFAR10_SIDE * CIFAR10_SIDE
  const pixels = CIFAR10_RECORD_BYTES - 1
  for (let r = 0; r < records; r++) {
    const src = r * CIFAR10_RECORD_BYTES
    const dst = (at + r) * pixels
    into.labels[at + r] = bytes[src]!
    for (let p = 0; p < plane; p++) {
      into.images[dst + 3 * p] = bytes[src + 1 + p]!
      into.images[dst + 3 * p + 1] = bytes[src + 1 + plane + p]!
      into.images[dst + 3 * p + 2] = bytes[src + 1 + 2 * plane + p]!
    }
  }
}

async function readClassNames(folder: string): Promise<string[]> {
  const file = join(folder, 'batches.meta.txt')
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch {
    return [...CIFAR10_CLASS_NAMES]
  }
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '')
  if (names.length !== CIFAR10_CLASS_NAMES.length) {
    throw new DatasetFileError(file, 'format', `expected ${CIFAR10_CLASS_NAMES.length} class names, one a line, found ${names.length}`)
  }
  return names
}
