// End-to-end: share links, the embed view, exports and hosting, in
// Debian's Chromium against the release build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { serveDist, servePage, launchChromium, PlaygroundPage } from './support.mjs';

let server;
let chromium;

before(async () => {
  // A sub-path, as GitHub Pages serves a project site.
  server = await serveDist({ base: '/looplab/' });
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await server?.close();
});

/** A fresh browser profile; records requests and CSP violations. */
async function openPage(url, options = {}) {
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  const page = await context.newPage();
  const requests = [];
  const violations = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const playground = new PlaygroundPage(page);
  await playground.open(url);
  return { context, page, playground, requests, violations };
}

/** Opens `url` as a new visit (not a same-document fragment change). */
async function visit(playground, url) {
  await playground.page.goto('about:blank');
  await playground.page.goto(url);
  await playground.waitForRun();
}

async function shareLink(page) {
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.getByTestId('share-close').click();
  return link;
}

test('the page runs under its strict CSP from a sub-path, asking nothing of any other origin', async () => {
  const { context, page, playground, requests, violations } = await openPage(server.url);
  try {
    await playground.toEnd();
    assert.deepEqual(await playground.consoleTexts(), ['before reading file', 'after calling readFile', 'file has been read']);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
    assert.deepEqual(violations, []);
    const origin = new URL(server.url).origin;
    const foreign = requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(foreign, [], 'every request is for the page\'s own files');
    assert.ok(requests.every((url) => !url.startsWith(origin) || url.startsWith(server.url)), 'every file from the sub-path');
  } finally {
    await context.close();
  }
});

test('a share link opens the same scenario, knobs and view in a fresh browser; the own code is set aside and restorable', async () => {
  const first = await openPage(server.url);
  const source = "const crypto = require('crypto');\n// shared edit\nfor (let i = 0; i < 8; i++) crypto.pbkdf2('secret', 'salt', 100000, 64, 'sha512', () => console.log('hash ' + i));\n";
  let link;
  try {
    await first.playground.loadPreset('pbkdf2-waves-pool-4');
    await first.playground.setKnob('pool', '8');
    await first.playground.rerunAfter(() => first.playground.editor.fill(source));
    link = await shareLink(first.page);
    assert.ok(link.startsWith(server.url + '#s=1.'), link);
    assert.ok(link.length - server.url.length < 300, `a ${link.length - server.url.length}-character fragment`);
    // Copy as Markdown puts a titled link on the clipboard.
    await first.page.getByTestId('share').click();
    await first.page.getByTestId('copy-markdown').click();
    await first.page.getByText('Copied.').waitFor();
    const markdown = await first.page.evaluate(() => navigator.clipboard.readText());
    assert.equal(markdown, `[Looplab: pbkdf2 waves, pool of 4](${link})`);
  } finally {
    await first.context.close();
  }
  // Someone else, with their own code in the editor, opens it.
  const second = await openPage(server.url);
  try {
    await second.playground.rerunAfter(() => second.playground.editor.fill("console.log('my own work');\n"));
    await visit(second.playground, link);
    assert.equal(await second.playground.editor.inputValue(), source);
    assert.equal(await second.page.getByTestId('knob-pool').inputValue(), '8');
    await second.page.getByTestId('notice').waitFor();
    assert.match(await second.page.getByTestId('notice').textContent(), /set aside, not lost/);
    await second.playground.toEnd();
    assert.equal((await second.playground.consoleTexts()).length, 8);
    // Their own code comes back at a click.
    await second.playground.rerunAfter(() => second.page.getByTestId('restore-own').click());
    assert.equal(await second.playground.editor.inputValue(), "console.log('my own work');\n");
  } finally {
    await second.context.close();
  }
});

test('a broken or oversized link opens the own code with a message, never a blank page', async () => {
  const { context, page, playground } = await openPage(server.url);
  try {
    await playground.rerunAfter(() => playground.editor.fill("console.log('kept');\n"));
    for (const [fragment, words] of [
      ['#s=1.q1YqULJSKkpNTEnLzEnVzcwrKcp', /could not be opened: the link is damaged/],
      ['#s=9.AAAA', /newer Looplab/],
      ['#s=1.%3Cscript%3Ealert(1)%3C/script%3E', /could not be opened/],
      [`#s=1.${'A'.repeat(200_000)}`, /too long/],
    ]) {
      await visit(playground, server.url + fragment);
      const notice = await page.getByTestId('notice').textContent();
      assert.match(notice, words, fragment.slice(0, 40));
      assert.equal(await playground.editor.inputValue(), "console.log('kept');\n", 'the own code is shown');
      assert.equal(await page.locator('script:not([src])').count(), 0);
    }
  } finally {
    await context.close();
  }
});

test('the embed: in an iframe on another origin it plays, tells its height, pauses off screen and takes the host\'s theme live; the web component too', async () => {
  const { context, page, playground } = await openPage(server.url);
  let embedUrl;
  let component;
  try {
    // Edited code: the preset's walkthrough (which waits for the reader at
    // its steps) does not play, so autoplay runs on its own.
    const editor = page.getByTestId('editor');
    const code = await editor.inputValue();
    await playground.rerunAfter(() => editor.fill(`${code}\n// edited\n`));
    await page.getByTestId('share').click();
    await page.getByTestId('embed-show-charts').check();
    await page.getByTestId('embed-speed').selectOption('0.1');
    const snippet = await page.getByTestId('embed-snippet').inputValue();
    assert.match(snippet, /^<iframe src="[^"]+#embed&amp;autoplay&amp;speed=0.1&amp;show=code,charts&amp;s=1\.[^"]+" title="Looplab: fs.readFile does not block" loading="lazy"/);
    embedUrl = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    assert.match(await page.getByTestId('embed-theme-hint').textContent(), /looplab:theme/);
    await page.getByTestId('copy-component').click();
    component = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(component, /<looplab-embed scenario="embed&amp;autoplay/);
    // The preview is the embed itself.
    await page.getByTestId('embed-preview-toggle').click();
    await page.frameLocator('[data-testid=embed-preview]').getByTestId('embed').waitFor();
  } finally {
    await context.close();
  }
  const scriptUrl = new URL('embed.js', server.url).href;
  const blog = await servePage(`<!doctype html><html><body>
    <h1>A post</h1>
    <iframe id="one" src="${embedUrl}" title="Looplab" loading="lazy" width="100%" height="300" style="border:0"></iframe>
    <div style="height: 3000px"></div>
    <script src="${scriptUrl}" defer></script>
    ${component.replaceAll('&amp;', '&').split('\n').slice(1).join('\n')}
    <script>
      window.heights = [];
      addEventListener('message', (event) => {
        if (event.data && event.data.type === 'looplab:height') {
          window.heights.push(event.data.height);
          document.getElementById('one').style.height = event.data.height + 'px';
        }
      });
    </script></body></html>`);
  const reader = await chromium.browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const post = await reader.newPage();
    await post.goto(blog.url);
    const frame = post.frameLocator('#one');
    await frame.getByTestId('embed').waitFor({ timeout: 30_000 });
    await post.waitForFunction(() => window.heights.length > 0 && window.heights.at(-1) > 300, null, { timeout: 30_000 });
    // Autoplay: it plays while on screen.
    await frame.getByTestId('play').filter({ hasText: 'Pause' }).waitFor({ timeout: 30_000 });
    assert.equal(await frame.getByTestId('embed-code').count(), 1, 'the code, read-only');
    assert.equal(await frame.getByTestId('editor').count(), 0, 'no editor in an embed');
    // Scrolled away: paused. Back: playing again.
    await post.evaluate(() => window.scrollTo(0, 4000));
    await frame.getByTestId('play').filter({ hasText: 'Play' }).waitFor({ timeout: 10_000 });
    await post.evaluate(() => window.scrollTo(0, 0));
    await frame.getByTestId('play').filter({ hasText: 'Pause' }).waitFor({ timeout: 10_000 });
    // The web component made its own iframe, which sized itself.
    const element = post.locator('looplab-embed iframe');
    await element.scrollIntoViewIfNeeded();
    await post.frameLocator('looplab-embed iframe').getByTestId('embed').waitFor({ timeout: 30_000 });
    await post.waitForFunction(() => parseInt(document.querySelector('looplab-embed iframe').style.height, 10) !== 480, null, { timeout: 30_000 });
    // The host's theme, live: the component's `theme` attribute, and a
    // `looplab:theme` message to a plain iframe; 'auto' gives the reader's.
    const componentRoot = post.frameLocator('looplab-embed iframe').locator('html');
    for (const theme of ['dark', 'light']) {
      await post.evaluate((value) => document.querySelector('looplab-embed').setAttribute('theme', value), theme);
      await post.frameLocator('looplab-embed iframe').locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    }
    await post.evaluate(() => document.querySelector('looplab-embed').setAttribute('theme', 'auto'));
    await post.frameLocator('looplab-embed iframe').locator('html:not([data-theme])').waitFor({ state: 'attached', timeout: 10_000 });
    assert.equal(await componentRoot.getAttribute('data-theme'), null);
    await post.evaluate(() => document.getElementById('one').contentWindow.postMessage({ type: 'looplab:theme', theme: 'dark' }, '*'));
    await post.frameLocator('#one').locator('html[data-theme="dark"]').waitFor({ state: 'attached', timeout: 10_000 });
    // The embed left the reader's own saved code alone.
    const saved = await post.frameLocator('#one').locator('body').evaluate(() => localStorage.getItem('looplab.source'));
    assert.equal(saved, null);
  } finally {
    await reader.close();
    await blog.close();
  }
});

test('exports: the view as PNG, a chart as SVG, requests as CSV and JSON, the trace as CSV and text', async () => {
  const { context, page, playground } = await openPage(server.url);
  try {
    await playground.loadPreset('handler-readfile');
    await playground.toEnd();
    const save = async (click) => {
      const [download] = await Promise.all([page.waitForEvent('download'), click()]);
      return fs.readFile(await download.path());
    };
    await page.getByTestId('share').click();
    const png = await save(() => page.getByTestId('export-png').click());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    assert.ok(png.length > 5000, `a ${png.length}-byte PNG`);
    const csv = (await save(() => page.getByTestId('export-requests-csv').click())).toString();
    const rows = csv.trim().split('\n');
    assert.equal(rows[0], 'id,path,arrived_ms,answered_ms,latency_ms,status');
    assert.ok(rows.length > 20, `${rows.length} rows`);
    const requests = JSON.parse((await save(() => page.getByTestId('export-requests-json').click())).toString());
    assert.equal(requests.length, rows.length - 1);
    const trace = (await save(() => page.getByTestId('export-trace-csv').click())).toString().trim().split('\n');
    assert.equal(trace[0], 't_us,thread,event');
    assert.ok(trace.length > 100, `${trace.length} trace rows`);
    const dense = (await save(() => page.getByTestId('export-trace-text').click())).toString().trim().split('\n');
    assert.equal(dense.length, trace.length - 1, 'one dense line per event');
    const svg = (await save(() => page.getByTestId('chart-svg').first().click())).toString();
    const parsed = await page.evaluate((text) => {
      const document = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { root: document.documentElement.nodeName, error: document.getElementsByTagName('parsererror').length };
    }, svg);
    assert.deepEqual(parsed, { root: 'svg', error: 0 });
  } finally {
    await context.close();
  }
});

test('a clip: a stretch of the animation recorded as WebM, with progress', async () => {
  const { context, page, playground } = await openPage(server.url);
  try {
    await playground.loadPreset('stall-on-main-thread');
    await page.getByTestId('share').click();
    await page.getByTestId('clip-from').fill('90');
    await page.getByTestId('clip-from').press('Tab');
    await page.getByTestId('clip-to').fill('320');
    await page.getByTestId('clip-to').press('Tab');
    await page.getByTestId('clip-seconds').fill('2');
    await page.getByTestId('clip-seconds').press('Tab');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('record-clip').click()]);
    const webm = await fs.readFile(await download.path());
    assert.deepEqual([...webm.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'an EBML (WebM) header');
    assert.ok(webm.length > 2000, `a ${webm.length}-byte clip`);
    assert.match(await page.getByTestId('export-message').textContent(), /Saved the clip/);
    // The clock ends where the clip ended.
    assert.match(await playground.status.textContent(), /t = 320/);
  } finally {
    await context.close();
  }
});
