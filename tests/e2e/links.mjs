// Share links made in the page itself (the real encoder, through the Share
// dialog), for tests that need a link with particular contents.
export async function encodeLinkInPage(page, { title, code }) {
  // The page writes the link to what is on screen into the address bar:
  // type the code, set the title through a link round trip.
  await page.getByTestId('editor').fill(code);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.getByTestId('share-close').click();
  const fragment = link.split('#')[1];
  if (title === undefined) return fragment;
  // The title travels in the payload's "t": rebuild it with the title.
  return page.evaluate(
    async ({ fragment, title }) => {
      const data = fragment.replace(/^s=1\./, '').replaceAll('-', '+').replaceAll('_', '/');
      const bytes = Uint8Array.from(atob(data + '='.repeat((4 - (data.length % 4)) % 4)), (c) => c.charCodeAt(0));
      const inflated = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
      const payload = JSON.parse(inflated);
      payload.t = title;
      const deflated = new Uint8Array(await new Response(new Blob([JSON.stringify(payload)]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
      const text = btoa(String.fromCharCode(...deflated)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
      return `s=1.${text}`;
    },
    { fragment, title },
  );
}
