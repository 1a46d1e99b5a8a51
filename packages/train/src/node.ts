export { FileCheckpointStore, writeFileAtomic, CHECKPOINT_FORMAT } from './file-store.js'
