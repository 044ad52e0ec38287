// End-to-end: the timeline view (issue 17), on the release build in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserFixture, PlaygroundPage, axe } from './support.mjs';
import { encodeLinkInPage } from './links.mjs';

const fixture = browserFixture({ base: '/' });

async function openPlayground() {
  const context = await fixture.chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  const page = await context.newPage();
  const playground = new PlaygroundPage(page);
  await playground.open(fixture.server.url);
  return { context, page, playground };
}

/** The blocks of one track: kind, label and extent in viewBox units. */
async function blocks(page, track) {
  return page.$$eval(`[data-testid=timeline] [data-track="${track}"] rect`, (rects) =>
    rects.map((rect) => ({
      kind: rect.dataset.kind,
      label: rect.dataset.label,
      x: Number(rect.getAttribute('x')),
      width: Number(rect.getAttribute('width')),
      classes: rect.getAttribute('class'),
    })),
  );
}

test('the timeline draws the seeds: overlapping database waits, a stall as one long handler block, pbkdf2 in two waves', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.loadPreset('express-three-requests');
    await page.getByTestId('timeline').waitFor();
    const waits = await blocks(page, 'kernel');
    const allWaits = await page.$$eval('[data-testid=timeline] rect[data-kind="kernel wait"]', (rects) =>
      rects.map((rect) => ({ label: rect.dataset.label, x: Number(rect.getAttribute('x')), width: Number(rect.getAttribute('width')) })),
    );
    const db = allWaits.filter((wait) => wait.label.startsWith('db.findUser')).sort((a, b) => a.x - b.x);
    assert.equal(db.length, 3, `three database waits: ${JSON.stringify(allWaits)}`);
    assert.ok(db[1].x < db[0].x + db[0].width && db[2].x < db[1].x + db[1].width, 'the three waits overlap');
    assert.ok(waits.length > 0, 'the kernel track is drawn');
    await playground.screenshot('timeline-express-three-requests');

    await playground.loadPreset('stall-on-main-thread');
    await page.getByTestId('timeline').waitFor();
    const main = await blocks(page, 'main thread');
    const longest = main.reduce((a, b) => (b.width > a.width ? b : a));
    assert.equal(longest.kind, 'request handler', `the longest block is a handler: ${JSON.stringify(longest)}`);
    assert.equal(longest.label, 'GET /heavy handler · line 10', 'it names the user\'s route handler and its line, not parserOnIncoming');
    assert.ok(longest.width > 10 * main.filter((block) => block !== longest).reduce((a, b) => Math.max(a, b.width), 0) || main.length === 1, 'the stall dwarfs the other callbacks');
    const bars = await page.$$eval('[data-testid=timeline] rect[data-kind="request"]', (rects) => rects.length);
    assert.ok(bars > 0, 'request bars are drawn');
    // Each bar in segments by what the request waited for: the /fast
    // requests that arrived during the stall spent it in the accept queue,
    // wider than the whole /heavy handler's block less a little.
    const accept = await page.$$eval('[data-testid=timeline] rect[data-wait="accept queue"]', (rects) => rects.map((rect) => Number(rect.getAttribute('width'))));
    assert.ok(Math.max(...accept) > longest.width * 0.5, `a bar waits behind the stall: ${Math.max(...accept)} vs ${longest.width}`);
    assert.ok((await page.$$('[data-testid=timeline] rect[data-wait="running"]')).length > 0, 'and runs on the main thread');
    assert.match(await page.getByTestId('timeline-wait-legend').textContent(), /accept queue.*running.*waiting for the main thread.*pool.*I\/O.*timer/);
    assert.deepEqual(await axe(page), [], 'the timeline view');
    await playground.screenshot('timeline-stall-on-main-thread');

    await playground.loadPreset('pbkdf2-waves-pool-4');
    await page.getByTestId('timeline').waitFor();
    const tracks = await page.$$eval('[data-testid=timeline] [data-track^="pool thread"]', (rows) => rows.map((row) => row.dataset.track));
    assert.deepEqual(tracks, ['pool thread 1', 'pool thread 2', 'pool thread 3', 'pool thread 4']);
    for (const track of tracks) {
      const jobs = await blocks(page, track);
      assert.equal(jobs.length, 2, `${track}: two jobs, one per wave`);
      assert.ok(jobs.every((job) => job.kind === 'pool job' && /pbkdf2/.test(job.label)));
      assert.ok(jobs[0].x + jobs[0].width <= jobs[1].x + 0.01, 'the second wave starts when the first ends');
    }
    await playground.screenshot('timeline-pbkdf2-waves-pool-4');
  } finally {
    await context.close();
  }
});

test('the timeline zooms and pans by keyboard and wheel, and a click moves the clock and lights the line', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.loadPreset('stall-on-main-thread');
    const window = page.getByTestId('timeline-window');
    const whole = await window.textContent();
    const svg = page.locator('[data-testid=timeline] svg');
    await svg.focus();
    await page.keyboard.press('+');
    const zoomed = await window.textContent();
    assert.notEqual(zoomed, whole, 'plus zooms in');
    await page.keyboard.press('ArrowRight');
    assert.notEqual(await window.textContent(), zoomed, 'an arrow pans');
    // The arrow keys pan the timeline, not step the playback.
    await page.keyboard.press('0');
    assert.equal(await window.textContent(), whole, '0 shows the whole run');
    const box = await svg.boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((text) => document.querySelector('[data-testid=timeline-window]').textContent !== text, whole);
    await page.getByTestId('timeline-reset').click();
    assert.equal(await window.textContent(), whole, 'Whole run resets the zoom');

    // Click the stall's block: the clock moves to its start, its line lights.
    const longest = await page.$$eval('[data-testid=timeline] [data-track="main thread"] rect', (rects) => {
      const widest = rects.reduce((a, b) => (Number(b.getAttribute('width')) > Number(a.getAttribute('width')) ? b : a));
      widest.setAttribute('data-widest', 'true');
      return widest.dataset.label;
    });
    await page.locator('[data-testid=timeline] rect[data-widest="true"]').click();
    const line = Number(longest.match(/line (\d+)/)[1]);
    await page.waitForSelector('.code-line.executing');
    const lit = await page.$$eval('.gutter .ln.executing', (lines) => lines.map((line) => Number(line.textContent)));
    assert.deepEqual(lit, [line], 'the handler line is lit');
    assert.match(await page.getByTestId('main-status').textContent(), /GET \/heavy handler/, "the main thread's status names the handler");
    assert.match(await page.getByTestId('call-stack').textContent(), /GET \/heavy handler/, 'the call stack shows it');
    await playground.screenshot('timeline-clicked-stall');
  } finally {
    await context.close();
  }
});

test('an embed shows the timeline with show=timeline', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.loadPreset('pbkdf2-waves-pool-4');
    await page.getByTestId('share').click();
    const link = await page.getByTestId('share-link').inputValue();
    await page.getByTestId('share-close').click();
    const embed = link.replace('#', '#embed&show=timeline&');
    await page.goto('about:blank');
    await page.goto(embed);
    await playground.waitForRun();
    await page.getByTestId('embed').getByTestId('timeline').waitFor();
    assert.equal(await page.locator('[data-testid=timeline] [data-track^="pool thread"]').count(), 4);
    assert.equal(await page.getByTestId('embed-code').count(), 0, 'only the panels asked for');
  } finally {
    await context.close();
  }
});

test('the knobs and lanes show the pool size the engine resolved from the code', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.loadPreset('pbkdf2-waves-pool-8');
    assert.equal(await page.getByTestId('knob-pool').getAttribute('placeholder'), '8', "process.env.UV_THREADPOOL_SIZE = '8' in the code");
    await page.getByTestId('restart').click();
    assert.equal(await page.getByTestId('pool-thread').count(), 8, 'eight pool threads from the start');
    assert.equal(await page.locator('[data-testid=timeline] [data-track^="pool thread"]').count(), 8);
  } finally {
    await context.close();
  }
});

test('a walkthrough stops playback at each step until the reader goes on, by keyboard; an author\'s own steps play in an embed', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    // The page opens on readfile-intro, the first seed example.
    await playground.setSpeed('1000×');
    await page.keyboard.press('Space');
    const step = page.getByTestId('walkthrough-step');
    await step.waitFor();
    assert.match(await step.textContent(), /Step 1 of 2/);
    assert.match(await page.getByTestId('walkthrough-text').textContent(), /runs the script from top to bottom/);
    assert.equal(await page.getByTestId('play').textContent(), 'Play', 'playback waits for the reader');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Step 2 of 2/.test(document.querySelector('[data-testid=walkthrough-step]')?.textContent || ''));
    assert.match(await step.textContent(), /line 6/);
    assert.deepEqual(await page.$$eval('.gutter .ln.executing', (lines) => lines.map((line) => Number(line.textContent))), [6], 'the step\'s line is lit');
    await playground.screenshot('walkthrough-readfile-step-2');
    await page.keyboard.press('Enter');
    await step.waitFor({ state: 'detached' });
    await playground.waitForConsoleLines(3);
    assert.deepEqual(await playground.consoleTexts(), ['before reading file', 'after calling readFile', 'file has been read']);

  } finally {
    await context.close();
  }
  // An author's step, in the code, travels in the link and plays in an embed
  // (a fresh page: a link made at the end of a run opens at its end).
  const fresh = await openPlayground();
  try {
    const { page, playground } = fresh;
    const code = "// @looplab step at=0ms Watch the timer: it fires after the immediate.\nsetTimeout(() => console.log('timeout'), 0);\nsetImmediate(() => console.log('immediate'));\n";
    const fragment = await encodeLinkInPage(page, { title: 'My walkthrough', code });
    await page.goto('about:blank');
    await page.goto(`${fixture.server.url}#embed&autoplay&show=code,timeline&${fragment}`);
    await playground.waitForRun();
    await page.getByTestId('embed').getByTestId('walkthrough-step').waitFor();
    assert.match(await page.getByTestId('walkthrough-text').textContent(), /Watch the timer/);
    await page.getByTestId('walkthrough-continue').click();
    await page.getByTestId('walkthrough-step').waitFor({ state: 'detached' });
  } finally {
    await fresh.context.close();
  }
});
