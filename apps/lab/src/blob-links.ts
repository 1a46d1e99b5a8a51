/** Object URLs the page made for downloads and figure images; revoked together when a new run starts. */
const urls: string[] = []

/** Point a download link at `text` (as a Blob of `type`) and enable it. */
export function setDownload(link: HTMLAnchorElement, filename: string, text: string, type: string): void {
  const url = blobUrl(text, type)
  link.href = url
  link.download = filename
  link.setAttribute('aria-disabled', 'false')
}

/** An object URL of `text`, revoked by the next {@link revokeAll}. */
export function blobUrl(text: string, type: string): string {
  const url = URL.createObjectURL(new Blob([text], { type }))
  urls.push(url)
  return url
}

/** Forget every URL made so far (and disable the links pointing at them). */
export function revokeAll(links: readonly HTMLAnchorElement[]): void {
  for (const url of urls.splice(0)) URL.revokeObjectURL(url)
  for (const link of links) {
    link.removeAttribute('href')
    link.setAttribute('aria-disabled', 'true')
  }
}
