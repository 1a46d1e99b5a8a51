import { existsSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { RunFileError, readRunJson, writeFileAtomic } from '../run/run-dir.js'
import { SUBMISSIONS_FILE } from './manifest.js'

/** One `sweep --executor slurm` submission: the array job, its collect job, the tasks it covered and its scripts. */
const submissionSchema = z.strictObject({
  at: z.iso.datetime(),
  arrayJobId: z.string().min(1),
  collectJobId: z.string().min(1),
  tasks: z.array(z.number().int().nonnegative()).min(1),
  arrayScript: z.string().min(1),
  collectScript: z.string().min(1),
})
const submissionsSchema = z.array(submissionSchema)

export type Submission = z.infer<typeof submissionSchema>

/** The submissions of a sweep, oldest first (none before its first Slurm submission). */
export function readSubmissions(dir: string): Submission[] {
  const file = path.join(dir, SUBMISSIONS_FILE)
  if (!existsSync(file)) return []
  const howTo = `the job ids of earlier submissions are lost; check 'squeue' by hand, then delete ${file}`
  const parsed = submissionsSchema.safeParse(readRunJson(file, howTo))
  if (!parsed.success) throw new RunFileError(file, `${file} does not list submissions (${parsed.error.issues[0]?.message ?? 'invalid'}); ${howTo}`)
  return parsed.data
}

export function appendSubmission(dir: string, submission: Submission): void {
  const all = [...readSubmissions(dir), submission]
  writeFileAtomic(path.join(dir, SUBMISSIONS_FILE), `${JSON.stringify(all, null, 2)}\n`)
}

/** Every job id a sweep submitted (array and collect jobs). */
export function submittedJobIds(submissions: readonly Submission[]): string[] {
  return submissions.flatMap((s) => [s.arrayJobId, s.collectJobId])
}
