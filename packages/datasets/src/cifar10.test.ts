import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CIFAR10_CLASS_NAMES, CIFAR10_FILE_BYTES, IMAGENET_MEAN, loadCifar10, readCifar10Folder } from './cifar10.js'
import { DatasetFileError } from './errors.js'
import { knownLabel, knownPixel, tempDir, writeCifarFiles } from './test-fixtures.js'

const dirs: string[] = []
async function dir(label: string): Promise<string> {
  const d = await tempDir(label)
  dirs.push(d)
  return d
}
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true })
})

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('CIFAR-10 binary decode', () => {
  it('decodes every label and pixel byte-exactly to HWC (R, G, B planes → interleaved)', async () => {
    const d = await dir('decode')
    const per = 3
    await writeCifarFiles(d, per, per)
    const ds = await readCifar10Folder(d, per)
    expect(ds.train.count).toBe(5 * per)
    expect(ds.test.count).toBe(per)
    expect(ds.train.images.length).toBe(5 * per * 3072)
    for (const [split, files] of [[ds.train, [0, 1, 2, 3, 4]], [ds.test, [5]]] as const) {
      let mismatches = 0
      files.forEach((f, fi) => {
        for (let r = 0; r < per; r++) {
          const n = fi * per + r
          expect(split.labels[n]).toBe(knownLabel(f, r))
          for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) {
            if (split.images[((n * 32 + y) * 32 + x) * 3 + c] !== knownPixel(f, r, c, y, x)) mismatches++
          }
        }
      })
      expect(mismatches).toBe(0)
    }
  })

  it('loads full-size official-layout files from the parent folder, with meta class names and ImageNet mean/std', async () => {
    const parent = await dir('full')
    const folder = join(parent, 'cifar-10-batches-bin')
    await writeCifarFiles(folder, 10_000, 2)
    await fs.writeFile(join(folder, 'batches.meta.txt'), `${CIFAR10_CLASS_NAMES.map((n) => n.toUpperCase()).join('\n')}\n\n`)
    const ds = await loadCifar10({ dir: parent })
    expect(ds.train.count).toBe(50_000)
    expect(ds.test.count).toBe(10_000)
    expect([ds.height, ds.width, ds.channels]).toEqual([32, 32, 3])
    expect(ds.classNames).toEqual(CIFAR10_CLASS_NAMES.map((n) => n.toUpperCase()))
    expect(ds.mean).toEqual([...IMAGENET_MEAN])
    expect(ds.source).toBe(folder)
    // record 1 of data_batch_3 is train image 2·10 000 + 1; record 1 of test_batch is test image 1
    const n = 20_001
    expect(ds.train.labels[n]).toBe(knownLabel(2, 1))
    expect(ds.train.images[((n * 32 + 5) * 32 + 7) * 3 + 2]).toBe(knownPixel(2, 1, 2, 5, 7))
    expect(ds.test.images[((1 * 32 + 31) * 32 + 30) * 3 + 1]).toBe(knownPixel(5, 1, 1, 31, 30))
    expect(ds.train.labels[2]).toBe(0) // zero record
    // the folder itself works too
    const direct = await loadCifar10({ dir: folder })
    expect(direct.test.labels[1]).toBe(knownLabel(5, 1))
  })

  it('rejects a truncated file, naming it with expected and actual sizes', async () => {
    const d = await dir('trunc')
    await writeCifarFiles(d, 10_000, 0)
    await fs.truncate(join(d, 'data_batch_4.bin'), CIFAR10_FILE_BYTES - 1)
    const error = await caught(loadCifar10({ dir: d }))
    expect(error).toBeInstanceOf(DatasetFileError)
    const e = error as DatasetFileError
    expect(e.code).toBe('CL_DATASET_FILE')
    expect(e.file).toBe(join(d, 'data_batch_4.bin'))
    expect(e.problem).toBe('size')
    expect([e.expectedBytes, e.actualBytes]).toEqual([30_730_000, 30_729_999])
    expect(e.message).toMatch(/data_batch_4\.bin: truncated: expected 30730000 bytes, found 30729999/)
  })

  it('rejects an oversized file', async () => {
    const d = await dir('over')
    await writeCifarFiles(d, 10_000, 0)
    await fs.truncate(join(d, 'test_batch.bin'), CIFAR10_FILE_BYTES + 3073)
    const e = (await caught(loadCifar10({ dir: d }))) as DatasetFileError
    expect(e.file).toBe(join(d, 'test_batch.bin'))
    expect(e.message).toMatch(/oversized/)
  })

  it('names a missing file', async () => {
    const d = await dir('missing')
    await writeCifarFiles(d, 4, 0)
    await fs.rm(join(d, 'test_batch.bin'))
    const e = (await caught(readCifar10Folder(d, 4))) as DatasetFileError
    expect(e).toBeInstanceOf(DatasetFileError)
    expect(e.problem).toBe('missing')
    expect(e.file).toBe(join(d, 'test_batch.bin'))
    expect(e.message).toContain('test_batch.bin')
  })

  it('names data_batch_1.bin when the folder holds no CIFAR-10, and does not download unless asked', async () => {
    const d = await dir('empty')
    let calls = 0
    const e = (await caught(loadCifar10({ dir: d, fetch: () => { calls++; return Promise.reject(new Error('no')) } }))) as DatasetFileError
    expect(e.problem).toBe('missing')
    expect(e.file).toBe(join(d, 'data_batch_1.bin'))
    expect(e.message).toMatch(/download: true/)
    expect(calls).toBe(0)
  })

  it('rejects a label outside 0..9 and a malformed batches.meta.txt', async () => {
    const d = await dir('label')
    await writeCifarFiles(d, 2, 0)
    const h = await fs.open(join(d, 'data_batch_2.bin'), 'r+')
    await h.write(new Uint8Array([10]), 0, 1, 3073)
    await h.close()
    expect(((await caught(readCifar10Folder(d, 2))) as DatasetFileError).message).toMatch(/label 10/)
    const d2 = await dir('meta')
    await writeCifarFiles(d2, 2, 0)
    await fs.writeFile(join(d2, 'batches.meta.txt'), 'cat\ndog\n')
    const e = (await caught(readCifar10Folder(d2, 2))) as DatasetFileError
    expect(e.file).toBe(join(d2, 'batches.meta.txt'))
  })

  it('rejects unknown and malformed options, naming the field', async () => {
    await expect(loadCifar10({ dri: '/x' } as never)).rejects.toMatchObject({ code: 'CL_INVALID_CONFIG', field: 'loadCifar10 options.dri' })
    await expect(loadCifar10({ dir: '/x', md5: 'abc' })).rejects.toMatchObject({ field: 'md5' })
    await expect(loadCifar10({ dir: '/x', url: 'not a url' })).rejects.toMatchObject({ field: 'url' })
    await expect(loadCifar10({ dir: '/x', download: 'yes' as never })).rejects.toMatchObject({ field: 'download' })
    await expect(loadCifar10({ dir: 3 as never })).rejects.toMatchObject({ field: 'dir' })
  })

})
