/** Test helpers: CIFAR-format files with known bytes (not shipped). */
import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CIFAR10_RECORD_BYTES, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES } from './cifar10.js'

export const CIFAR_FILES = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]

/** Pixel byte of record r of file f at channel c, row y, column x: a formula no decoder shares. */
export function knownPixel(f: number, r: number, c: number, y: number, x: number): number {
  return (f * 53 + r * 31 + c * 101 + y * 7 + x * 3 + ((y * x) % 11)) & 255
}

export function knownLabel(f: number, r: number): number {
  return (f * 3 + r) % 10
}

/** One CIFAR record (label, R plane, G plane, B plane) with {@link knownPixel} values. */
export function knownRecord(f: number, r: number): Uint8Array {
  const rec = new Uint8Array(CIFAR10_RECORD_BYTES)
  rec[0] = knownLabel(f, r)
  for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) rec[1 + c * 1024 + y * 32 + x] = knownPixel(f, r, c, y, x)
  return rec
}

/**
 * Write the six .bin files into `dir`: the first `known` records carry known bytes, the rest are zero records
 * (label 0), each file `recordsPerFile` records long (written sparse: fast even at the official 10 000).
 */
export async function writeCifarFiles(dir: string, recordsPerFile: number, known: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true })
  for (let f = 0; f < CIFAR_FILES.length; f++) {
    const handle = await fs.open(join(dir, CIFAR_FILES[f]!), 'w')
    for (let r = 0; r < known; r++) await handle.write(knownRecord(f, r), 0, CIFAR10_RECORD_BYTES, r * CIFAR10_RECORD_BYTES)
    await handle.truncate(recordsPerFile * CIFAR10_RECORD_BYTES)
    await handle.close()
  }
}

export async function tempDir(label: string): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), `cl-datasets-${label}-`))
}
