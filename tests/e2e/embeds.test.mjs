// End-to-end: embeds that belong in a blog post (issue 18) — posters, run on
// a click, the fallback without JavaScript, and presentation mode — in
// Debian's Chromium against the release build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { browserFixture, servePage, PlaygroundPage, axe } from './support.mjs';

const fixture = browserFixture();

async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), body: await fs.readFile(await file.path()) };
}

/** PNG width and height from its IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/**
 * For each preset: its poster (SVG and PNG, from the Share dialog), and the
 * <looplab-embed> snippet of a click embed that shows it.
 */
async function authorEmbeds(presets) {
  const context = await fixture.chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(fixture.server.url).origin });
  const page = await context.newPage();
  const playground = new PlaygroundPage(page);
  const made = [];
  try {
    await playground.open(fixture.server.url);
    for (const id of presets) {
      if (id !== 'readfile-intro') await playground.loadPreset(id);
      await page.getByTestId('share').click();
      const svg = await download(page, 'export-poster-svg');
      const png = made.length === 0 ? await download(page, 'export-poster-png') : null;
      await page.getByTestId('embed-click').check();
      await page.getByTestId('copy-component').click();
      const component = await page.evaluate(() => navigator.clipboard.readText());
      const iframe = await page.getByTestId('embed-snippet').inputValue();
      const presentLink = await page.getByTestId('present-link').getAttribute('href');
      await page.getByTestId('share-close').click();
      made.push({ id, svg, png, component, iframe, presentLink });
    }
    // The poster is a valid picture of the scenario: SVG that parses as
    // XML and holds the title and the code; a PNG of its size.
    const first = made[0];
    assert.match(first.svg.name, /^looplab-.+-poster\.svg$/);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent) };
    }, first.svg.body.toString('utf8'));
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.texts.includes('fs.readFile does not block'), parsed.texts.join(' | '));
    assert.ok(parsed.texts.some((text) => text.includes("readFile")), 'the code');
    assert.match(first.png.name, /^looplab-.+-poster\.png$/);
    assert.deepEqual(pngSize(first.png.body), [1200, 630]);
    // The snippet's fallback points at the poster's saved name.
    assert.ok(first.component.includes(`<img src="${first.svg.name}"`), first.component);
    assert.match(first.component, /<looplab-embed scenario="embed&amp;click&amp;autoplay&amp;s=1\./);
    assert.match(first.iframe, /<noscript><a href="[^"]+#s=1\.[^"]+"><img src="looplab-[^"]+-poster\.svg"/);
  } finally {
    await context.close();
  }
  return made;
}

const PRESETS = ['readfile-intro', 'express-three-requests', 'pbkdf2-waves-pool-4', 'heavy-blocks-fast', 'chef-one-cook'];
let embeds;

test('posters export as SVG and PNG; five click embeds in view fetch at most 150 KB, the wasm once one is run, and they take turns', async () => {
  embeds = await authorEmbeds(PRESETS);
  const scriptUrl = new URL('embed.js', fixture.server.url).href;
  const files = Object.fromEntries(embeds.map(({ svg }) => [svg.name, { type: 'image/svg+xml', body: svg.body }]));
  const body = embeds.map(({ component }) => component.split('\n').slice(1).join('\n')).join('\n');
  const blog = await servePage(
    `<!doctype html><html><head><meta charset="utf-8"><title>A post</title></head><body style="margin:0">
    <h1>A post with five embeds</h1><script src="${scriptUrl}" defer></script>
    <div style="display:grid;grid-template-columns:repeat(5, 1fr);gap:8px">${body}</div></body></html>`,
    files,
  );
  const reader = await fixture.chromium.browser.newContext({ viewport: { width: 1800, height: 1000 } });
  try {
    const post = await reader.newPage();
    const fetched = [];
    post.on('response', async (response) => {
      const bytes = await response.body().then((body) => body.length, () => 0);
      fetched.push({ url: response.url(), bytes });
    });
    await post.goto(blog.url);
    await post.locator('[data-looplab-run]').first().waitFor();
    assert.equal(await post.locator('[data-looplab-run]').count(), 5, 'five Run buttons');
    // Every poster is in view and drawn.
    await post.waitForFunction(() => [...document.querySelectorAll('looplab-embed img')].every((image) => image.complete && image.naturalWidth > 0));
    await post.waitForTimeout(500);
    const before = fetched.filter(({ url }) => url !== blog.url);
    const total = before.reduce((sum, { bytes }) => sum + bytes, 0);
    console.log(`five click embeds before any interaction: ${before.length} requests, ${(total / 1024).toFixed(1)} KB`);
    assert.ok(total <= 150 * 1024, `${total} bytes before any interaction: ${before.map(({ url, bytes }) => `${url} ${bytes}`).join(', ')}`);
    assert.equal(before.filter(({ url }) => url.endsWith('.wasm')).length, 0, 'no wasm');
    assert.equal(await post.locator('looplab-embed iframe').count(), 0, 'no iframe');
    await post.screenshot({ path: 'tests/artifacts/embeds-click-placeholders.png' });

    // Run one (the pbkdf2 waves), by keyboard: its live embed plays; the
    // wasm came once.
    const cards = post.locator('looplab-embed');
    await cards.nth(2).locator('[data-looplab-run]').focus();
    await post.keyboard.press('Enter');
    const first = cards.nth(2).frameLocator('iframe');
    // The preset's walkthrough waits for the reader at its first step.
    await first.getByTestId('walkthrough-continue').click({ timeout: 60_000 });
    await first.getByTestId('play').filter({ hasText: 'Pause' }).waitFor({ timeout: 10_000 });
    const wasm = fetched.filter(({ url }) => url.endsWith('.wasm'));
    assert.equal(wasm.filter(({ url }) => /looplab_ui-[0-9a-f]+_bg\.wasm$/.test(url)).length, 1, 'the page wasm once');
    assert.equal(wasm.filter(({ url }) => url.endsWith('looplab_worker_bg.wasm')).length, 1, 'the worker wasm once');
    assert.equal(await post.locator('looplab-embed iframe').count(), 1, 'one embed running');

    // Another one run: the first pauses (never two simulations at once),
    // though it is still on screen and not at a step.
    await cards.nth(0).locator('[data-looplab-run]').click();
    const second = cards.nth(0).frameLocator('iframe');
    await second.getByTestId('walkthrough-step').or(second.getByTestId('play').filter({ hasText: 'Pause' })).first().waitFor({ timeout: 60_000 });
    await first.getByTestId('play').filter({ hasText: 'Play' }).waitFor({ timeout: 10_000 });
    assert.equal(await first.getByTestId('walkthrough-step').count(), 0, 'paused by the other embed, not by a step');
    await post.screenshot({ path: 'tests/artifacts/embeds-click-one-running.png' });
  } finally {
    await reader.close();
    await blog.close();
  }
});

test('without JavaScript the <looplab-embed> snippet shows the poster and a working link', async () => {
  assert.ok(embeds, 'the first test made the snippets');
  const { component, svg } = embeds[1];
  const blog = await servePage(`<!doctype html><html><body><h1>A post</h1>${component}</body></html>`, { [svg.name]: { type: 'image/svg+xml', body: svg.body } });
  const reader = await fixture.chromium.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1300, height: 900 } });
  try {
    const post = await reader.newPage();
    await post.goto(blog.url);
    const image = post.locator('looplab-embed a img');
    await post.waitForFunction(() => document.querySelector('looplab-embed a img')?.complete);
    assert.ok(await image.evaluate((element) => element.naturalWidth > 0), 'the poster is drawn');
    assert.match(await image.getAttribute('alt'), /^Looplab: Three requests, one thread\. Open the live scenario\.$/);
    const href = await post.locator('looplab-embed a').getAttribute('href');
    await post.screenshot({ path: 'tests/artifacts/embeds-no-javascript.png' });
    // The link opens the live scenario (in a browser with JavaScript).
    const live = await fixture.chromium.browser.newContext();
    try {
      const page = await live.newPage();
      const playground = new PlaygroundPage(page);
      await playground.open(href);
      assert.match(await page.getByTestId('editor').inputValue(), /require\('express'\)/);
      assert.equal(await page.getByTestId('notice').count() === 0 || !/could not be opened/.test(await page.getByTestId('notice').textContent()), true);
    } finally {
      await live.close();
    }
  } finally {
    await reader.close();
    await blog.close();
  }
});

test('an iframe click embed shows the title and the code, loads no wasm until Run, then plays; axe finds nothing serious', async () => {
  assert.ok(embeds, 'the first test made the snippets');
  const url = embeds[0].iframe.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  assert.match(url, /#embed&click&/);
  const context = await fixture.chromium.browser.newContext({ viewport: { width: 1000, height: 800 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
    const placeholder = page.getByTestId('click-placeholder');
    await placeholder.waitFor();
    await page.locator('.click-still', { hasText: 'readFile' }).waitFor();
    assert.equal(await placeholder.locator('.embed-title').textContent(), 'fs.readFile does not block');
    assert.equal(requests.filter((request) => request.endsWith('.wasm')).length, 0, 'no wasm before Run');
    assert.deepEqual(await axe(page), [], 'the placeholder');
    await page.screenshot({ path: 'tests/artifacts/embeds-iframe-placeholder.png' });
    await page.getByTestId('click-run').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('embed').waitFor({ timeout: 30_000 });
    await page.getByTestId('play').filter({ hasText: 'Pause' }).or(page.getByTestId('walkthrough-step')).first().waitFor({ timeout: 60_000 });
    assert.equal(await placeholder.count(), 0, 'the placeholder gave way');
  } finally {
    await context.close();
  }
});

test('presentation mode steps through a preset\'s walkthrough by keyboard alone; V changes the view', async () => {
  assert.ok(embeds, 'the first test made the links');
  const link = embeds[1].presentLink;
  assert.match(link, /#present&s=1\./);
  const context = await fixture.chromium.browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    const playground = new PlaygroundPage(page);
    await playground.open(link);
    await page.getByTestId('present').waitFor();
    const steps = (await fs.readFile(new URL('../../www/scenarios/express-three-requests.steps', import.meta.url), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('@looplab step'))
      .map((line) => line.replace(/^\/\/ @looplab step (at=\S+ |line=\S+ )?/, ''));
    const seen = [];
    for (let index = 0; index < steps.length; index += 1) {
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('walkthrough-step').filter({ hasText: `Step ${index + 1} of ${steps.length}` }).waitFor({ timeout: 30_000 });
      seen.push(await page.getByTestId('walkthrough-text').textContent());
    }
    assert.deepEqual(seen, steps);
    // The step's line is lit in the code (step 2 is at line 8).
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('walkthrough-step').filter({ hasText: `Step ${steps.length - 1} of ${steps.length}` }).waitFor();
    assert.equal(await page.locator('[data-testid=code-view] .code-line.executing .ln').textContent(), '8');
    // Backgrounds ease over 0.2 s: judge the settled page.
    await page.waitForTimeout(500);
    await page.screenshot({ path: 'tests/artifacts/present-step.png' });
    assert.deepEqual(await axe(page), [], 'presentation mode');
    // V: the next view, one at a time beside the code.
    await page.keyboard.press('v');
    await page.getByTestId('present-view-timeline').and(page.locator('[aria-pressed=true]')).waitFor();
    await page.getByTestId('timeline').waitFor();
    assert.equal(await page.getByTestId('lanes').count(), 0, 'one view at a time');
    await page.screenshot({ path: 'tests/artifacts/present-timeline.png' });
    // Reduced motion: nothing animates, and the steps still go by keys.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('walkthrough-step').filter({ hasText: `Step ${steps.length} of ${steps.length}` }).waitFor();
    assert.match(page.url(), /#present&s=1\./, 'the address keeps presentation mode');
  } finally {
    await context.close();
  }
});
