import path from 'node:path'
import { FileCheckpointStore } from '@cl/train/node'

/**
 * Checkpoints and finished sub-results of a run, kept in `<runDir>/checkpoints/` (`@cl/train`'s file store: atomic
 * writes, truncated files reported by name). A sweep (several training jobs) resumes by skipping the jobs whose
 * result is stored and continuing the one with a checkpoint.
 */
export class CheckpointStore extends FileCheckpointStore {
  constructor(runDir: string) {
    super(path.join(runDir, 'checkpoints'))
  }
}
