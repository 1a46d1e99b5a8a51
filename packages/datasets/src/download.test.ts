import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { c as createTar } from 'tar'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCifar10 } from './cifar10.js'
import { downloadAndExtract } from './download.js'
import { ChecksumMismatchError, DownloadError } from './errors.js'
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

/** A tar.gz holding cifar-10-batches-bin/ with the six files (`recordsPerFile` records each) plus a stray file. */
async function buildArchive(recordsPerFile: number): Promise<{ bytes: Uint8Array; md5: string }> {
  const src = await dir('src')
  await writeCifarFiles(join(src, 'cifar-10-batches-bin'), recordsPerFile, 2)
  await fs.writeFile(join(src, 'cifar-10-batches-bin', 'readme.html'), 'hi')
  await fs.writeFile(join(src, 'stray.txt'), 'not extracted')
  const file = join(src, 'archive.tar.gz')
  await createTar({ gzip: { level: 1 }, file, cwd: src }, ['cifar-10-batches-bin', 'stray.txt'])
  const bytes = new Uint8Array(await fs.readFile(file))
  return { bytes, md5: createHash('md5').update(bytes).digest('hex') }
}

/** A fetch serving `bytes` in 3 chunks, counting calls; `failAfter` chunks → the stream errors. */
function fakeFetch(bytes: Uint8Array, opts: { status?: number; failAfter?: number } = {}): { fetch: typeof fetch; calls: () => number } {
  let calls = 0
  const f = (async () => {
    calls++
    const third = Math.ceil(bytes.length / 3)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (opts.failAfter !== undefined && sent >= opts.failAfter) {
          controller.error(new Error('connection reset'))
          return
        }
        const chunk = bytes.subarray(sent * third, (sent + 1) * third)
        sent++
        if (chunk.length === 0) controller.close()
        else controller.enqueue(chunk)
      },
    })
    return new Response(body, { status: opts.status ?? 200, headers: { 'content-length': String(bytes.length) } })
  }) as typeof fetch
  return { fetch: f, calls: () => calls }
}

const URL_ = 'https://example.invalid/cifar-10-binary.tar.gz'

describe('download once with md5, atomic extraction', () => {
  it('downloads, verifies, extracts only the dataset folder, reports progress, and never downloads twice', async () => {
    const { bytes, md5 } = await buildArchive(2)
    const d = await dir('dl')
    const { fetch, calls } = fakeFetch(bytes)
    const progress: [number, number][] = []
    const folder = await downloadAndExtract({ url: URL_, md5, dir: d, folder: 'cifar-10-batches-bin', fetch, onProgress: (b, t) => progress.push([b, t]) })
    expect(folder).toBe(join(d, 'cifar-10-batches-bin'))
    expect((await fs.readdir(d)).sort()).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz'])
    expect(progress.at(-1)).toEqual([bytes.length, bytes.length])
    expect(progress.length).toBe(3)
    expect((await fs.stat(join(folder, 'data_batch_1.bin'))).size).toBe(2 * 3073)
    // the folder present: nothing to do; the folder gone but the archive present: verified again and re-extracted, no fetch
    await downloadAndExtract({ url: URL_, md5, dir: d, folder: 'cifar-10-batches-bin', fetch })
    await fs.rm(folder, { recursive: true })
    await downloadAndExtract({ url: URL_, md5, dir: d, folder: 'cifar-10-batches-bin', fetch })
    expect(calls()).toBe(1)
    expect((await fs.stat(join(folder, 'test_batch.bin'))).size).toBe(2 * 3073)
    // a corrupted cached archive is refused, not extracted
    await fs.rm(folder, { recursive: true })
    await fs.appendFile(join(d, 'cifar-10-binary.tar.gz'), 'x')
    await expect(downloadAndExtract({ url: URL_, md5, dir: d, folder: 'cifar-10-batches-bin', fetch })).rejects.toBeInstanceOf(ChecksumMismatchError)
    expect(calls()).toBe(1)
  })

  it('refuses an archive whose md5 differs, names archive and both digests, moves it aside, extracts nothing', async () => {
    const { bytes, md5 } = await buildArchive(2)
    const d = await dir('bad')
    const wrong = 'c32a1d4ab5d03f1284b67883e8d87530'
    const { fetch } = fakeFetch(bytes)
    const error = await downloadAndExtract({ url: URL_, md5: wrong, dir: d, folder: 'cifar-10-batches-bin', fetch }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChecksumMismatchError)
    const e = error as ChecksumMismatchError
    expect(e.code).toBe('CL_CHECKSUM_MISMATCH')
    expect(e.file).toBe(join(d, 'cifar-10-binary.tar.gz'))
    expect([e.expected, e.actual]).toEqual([wrong, md5])
    expect(e.message).toContain(wrong)
    expect(e.message).toContain(md5)
    expect(await fs.readdir(d)).toEqual(['cifar-10-binary.tar.gz.md5-mismatch'])
  })

  it('leaves nothing that looks complete after an interrupted download', async () => {
    const { bytes, md5 } = await buildArchive(2)
    const d = await dir('cut')
    const { fetch } = fakeFetch(bytes, { failAfter: 1 })
    await expect(downloadAndExtract({ url: URL_, md5, dir: d, folder: 'cifar-10-batches-bin', fetch })).rejects.toBeInstanceOf(DownloadError)
    expect(await fs.readdir(d)).toEqual([])
    const notFound = fakeFetch(bytes, { status: 404 })
    await expect(downloadAndExtract({ url: URL_, md5, dir: d, folder: 'cifar-10-batches-bin', fetch: notFound.fetch })).rejects.toMatchObject({ code: 'CL_DOWNLOAD', status: 404 })
  })

  it('loadCifar10({download: true}) downloads into cacheDir, then reads the full-size files', async () => {
    const { bytes, md5 } = await buildArchive(10_000)
    const cache = await dir('cache')
    const { fetch, calls } = fakeFetch(bytes)
    const ds = await loadCifar10({ cacheDir: cache, download: true, fetch, md5, url: URL_ })
    expect(ds.train.count).toBe(50_000)
    expect(ds.test.labels[1]).toBe(knownLabel(5, 1))
    expect(ds.test.images[((1 * 32 + 2) * 32 + 3) * 3]).toBe(knownPixel(5, 1, 0, 2, 3))
    expect(ds.source).toBe(join(cache, 'cifar-10-batches-bin'))
    await loadCifar10({ cacheDir: cache, download: true, fetch, md5, url: URL_ })
    expect(calls()).toBe(1)
  }, 120_000) // writes and gzips 184 MB of fixture files
})
