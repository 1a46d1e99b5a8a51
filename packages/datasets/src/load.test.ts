import { describe, expect, it } from 'vitest'
import { loadImageDataset } from './load.js'

describe('loadImageDataset', () => {
  it('dispatches by name', async () => {
    const ds = await loadImageDataset('fashion-mnist', { trainPerClass: 2, testPerClass: 1 })
    expect([ds.name, ds.train.count, ds.test.count]).toEqual(['fashion-mnist', 20, 10])
    await expect(loadImageDataset('cifar10', { dir: '/nonexistent-cl-datasets' })).rejects.toMatchObject({ code: 'CL_DATASET_FILE', problem: 'missing' })
  })
  it('rejects an unknown name, naming the field', async () => {
    await expect(loadImageDataset('mnist' as never)).rejects.toMatchObject({ code: 'CL_INVALID_CONFIG', field: 'dataset name' })
  })
})
