/**
 * Download-once with checksum: the archive is streamed to a temporary name while its md5 is computed, renamed to its
 * final name only when the digest matches the published one, and extracted into a temporary folder that is renamed into
 * place last. An interrupted download or extraction therefore never looks complete; a mismatching archive is moved
 * aside (`<name>.md5-mismatch`) and never extracted.
 */
import { createHash, randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { basename, join } from 'node:path'
import { x as extractTar } from 'tar'
import { ChecksumMismatchError, DatasetFileError, DownloadError } from './errors.js'

/** The official CIFAR-10 binary archive (https://www.cs.toronto.edu/~kriz/cifar.html). */
export const CIFAR10_ARCHIVE_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'
/** Its published md5 (same page). */
export const CIFAR10_ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530'

export interface DownloadAndExtractOptions {
  url: string
  md5: string
  /** Folder receiving the archive and, after extraction, `folder`. */
  dir: string
  /** The top-level folder the archive extracts to; only entries under it are extracted. */
  folder: string
  fetch?: typeof fetch
  onProgress?: (bytes: number, total: number) => void
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.stat(path)
    return true
  } catch {
    return false
  }
}

function tmpSuffix(): string {
  return `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
}

/** md5 of a file, lower-case hex. */
export async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5')
  const handle = await fs.open(file, 'r')
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer)
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}

/** Stream `url` into `target` (atomically) and return its md5. */
async function download(url: string, target: string, fetchFn: typeof fetch, onProgress?: (bytes: number, total: number) => void): Promise<string> {
  let response: Response
  try {
    response = await fetchFn(url)
  } catch (cause) {
    throw new DownloadError(url, cause instanceof Error ? cause.message : String(cause), undefined, { cause })
  }
  if (!response.ok) throw new DownloadError(url, `HTTP ${response.status} ${response.statusText}`, response.status)
  if (response.body === null) throw new DownloadError(url, 'empty response body')
  const total = Number(response.headers.get('content-length') ?? 0) || 0
  const hash = createHash('md5')
  const partial = target + tmpSuffix()
  const handle = await fs.open(partial, 'wx')
  let bytes = 0
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk)
      await handle.write(chunk)
      bytes += chunk.length
      onProgress?.(bytes, total)
    }
    await handle.close()
  } catch (cause) {
    await handle.close().catch(() => undefined)
    await fs.rm(partial, { force: true })
    throw new DownloadError(url, cause instanceof Error ? cause.message : String(cause), undefined, { cause })
  }
  const digest = hash.digest('hex')
  await fs.rename(partial, target)
  return digest
}

/**
 * Make `dir/folder` exist from the archive at `url`: download it once into `dir` (skipped when a complete archive is
 * already there), verify its md5 before extracting, extract atomically. Returns the extracted folder; does nothing
 * when it exists already.
 */
export async function downloadAndExtract(options: DownloadAndExtractOptions): Promise<string> {
  const { url, dir, folder } = options
  const expected = options.md5.toLowerCase()
  await fs.mkdir(dir, { recursive: true })
  const final = join(dir, folder)
  if (await exists(final)) return final // extraction renames the folder into place last: present means complete
  const archive = join(dir, basename(new URL(url).pathname) || 'archive.tar.gz')
  const digest = (await exists(archive)) ? await fileMd5(archive) : await download(url, archive, options.fetch ?? globalThis.fetch, options.onProgress)
  if (digest !== expected) {
    const aside = `${archive}.md5-mismatch`
    await fs.rename(archive, aside)
    throw new ChecksumMismatchError(archive, 'md5', expected, digest, aside)
  }
  const staging = join(dir, `.extract${tmpSuffix()}`)
  await fs.mkdir(staging)
  try {
    const prefix = `${folder}/`
    await extractTar({
      file: archive,
      cwd: staging,
      strict: true,
      filter: (path) => path.replace(/^\.\//, '').startsWith(prefix) || path.replace(/^\.\//, '') === folder,
    })
    const extracted = join(staging, folder)
    try {
      await fs.stat(extracted)
    } catch (cause) {
      throw new DatasetFileError(archive, 'format', `the archive holds no ${folder}/ folder`, undefined, { cause })
    }
    await fs.rename(extracted, final)
    return final
  } finally {
    await fs.rm(staging, { recursive: true, force: true })
  }
}
