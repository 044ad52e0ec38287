// End-to-end: the release build in Debian's Chromium, as a learner uses it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launchChromium, PlaygroundPage, repoRoot } from './support.mjs';

let server;
let chromium;

before(async () => {
  server = await serveDist();
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await server?.close();
});

async function openPlayground(options = {}) {
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options });
  const page = await context.newPage();
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const playground = new PlaygroundPage(page);
  await playground.open(server.url);
  return { context, page, playground, workers };
}

function nativeRun(file, ...args) {
  const output = execFileSync('cargo', ['run', '-q', '--release', '--bin', 'looplab', '--', 'run', file, '--json', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output);
}

test('readFile seed: play shows the three lines in Node order, from the worker', async () => {
  const { context, page, playground, workers } = await openPlayground();
  try {
    assert.deepEqual(await playground.consoleTexts(), [], 'nothing is printed before play');
    await playground.setSpeed('1000×');
    await playground.play();
    await playground.waitForConsoleLines(3);
    assert.deepEqual(await playground.consoleTexts(), ['before reading file', 'after calling readFile', 'file has been read']);
    // The run came from the simulation worker, not the page.
    assert.ok(workers.some((url) => url.endsWith('looplab_worker_loader.js')), `worker scripts: ${workers}`);
    assert.match(await playground.status.textContent(), /exited with code 0/);
    await page.waitForFunction(() => document.querySelector('[data-testid="play"]').textContent === 'Play');
    assert.deepEqual(playground.errors, [], 'no uncaught page errors');
  } finally {
    await context.close();
  }
});

test('stepping lights the pool thread and the callback line; step back undoes it', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    const busyThreads = () => page.locator('[data-testid="pool-thread"].busy').count();
    assert.equal(await page.getByTestId('pool-thread').count(), 4, 'the default pool has 4 threads');
    for (let i = 0; i < 20 && (await busyThreads()) === 0; i++) {
      await page.getByTestId('step-forward').click();
    }
    assert.equal(await busyThreads(), 1);
    assert.match(await page.locator('[data-testid="pool-thread"].busy .job').textContent(), /open \/some\/big\/file\.txt/);
    assert.match(await playground.narration.textContent(), /Pool thread 0 picks up/);
    await page.getByTestId('step-back').click();
    assert.equal(await busyThreads(), 0);
    // Step on until the readFile callback runs: its line is lit.
    for (let i = 0; i < 300 && (await playground.consoleTexts()).length < 3; i++) {
      await page.keyboard.press('ArrowRight');
    }
    const lit = await page.locator('.gutter .ln.executing').allTextContents();
    assert.deepEqual(lit, ['6'], 'the line of the readFile callback');
  } finally {
    await context.close();
  }
});

test('keyboard: End shows the end at once, Home goes back, [ ] change speed, space plays', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await page.locator('body').click();
    await page.keyboard.press('End');
    await playground.waitForConsoleLines(3, 5_000);
    await page.keyboard.press('Home');
    assert.deepEqual(await playground.consoleTexts(), []);
    for (let i = 0; i < 6; i++) await page.keyboard.press(']');
    assert.equal(await page.getByTestId('speed').inputValue(), '6');
    await page.keyboard.press('[');
    assert.equal(await page.getByTestId('speed').inputValue(), '5');
    await page.keyboard.press(' ');
    // The preset's walkthrough opens with a step at 0 ms: Enter goes on.
    await page.getByTestId('walkthrough-step').waitFor();
    assert.equal(await playground.playButton.textContent(), 'Play', 'a step waits for the reader');
    await page.keyboard.press('Enter');
    assert.equal(await playground.playButton.textContent(), 'Pause');
    await playground.waitForConsoleLines(3);
    // Every control is reachable by Tab and has a name.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, select, input, textarea')].filter((element) => {
        const label = element.getAttribute('aria-label') || element.textContent.trim() || element.closest('label')?.textContent.trim() || element.title;
        return !label;
      }).map((element) => element.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, [], 'controls without a name');
  } finally {
    await context.close();
  }
});

test('the run in the browser (wasm) has the same trace hash as the native CLI', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    for (const preset of ['readfile-intro', 'pbkdf2-waves-pool-4']) {
      if (preset !== 'readfile-intro') await playground.loadPreset(preset);
      const browserHash = (await page.getByTestId('trace-hash').textContent()).trim();
      assert.match(browserHash, /^[0-9a-f]{16}$/);
      assert.equal(browserHash, nativeRun(`www/scenarios/${preset}.js`).trace_hash, preset);
    }
  } finally {
    await context.close();
  }
});

// The property tests' seeded random programs and servers (the same
// generator, printed by `looplab random`): the page's wasm and the native
// build give each the same trace hash.
test('seeded random programs and servers have the same trace hash in wasm as natively', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    const cases = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => ['program', seed]), ...[1, 2, 3, 4, 5, 6].map((seed) => ['server', seed])];
    for (const [kind, seed] of cases) {
      const source = execFileSync('cargo', ['run', '-q', '--release', '--bin', 'looplab', '--', 'random', kind, String(seed)], { cwd: repoRoot, encoding: 'utf8' });
      const file = path.join(repoRoot, 'target', `e2e-random-${kind}-${seed}.js`);
      fs.writeFileSync(file, source);
      const native = nativeRun(file).trace_hash;
      assert.match(native, /^[0-9a-f]{16}$/, `${kind} ${seed}: native hash`);
      await playground.rerunAfter(() => playground.editor.fill(source));
      const browserHash = (await page.getByTestId('trace-hash').textContent()).trim();
      assert.equal(browserHash, native, `random ${kind} ${seed}: replay with \`looplab random ${kind} ${seed}\``);
    }
  } finally {
    await context.close();
  }
});

// What each preset must show once played to the end: its console's first
// line, or its answered requests, and how the run ended (as the native CLI
// reports them, which the load tests check against theory and real Node).
test('every preset plays to the end and shows what it promises', async () => {
  const { context, page, playground } = await openPlayground();
  const presets = await page.locator('[data-testid^="preset-"]').evaluateAll((buttons) => buttons.map((button) => button.dataset.testid.slice('preset-'.length)));
  assert.ok(presets.length >= 16, `presets: ${presets}`);
  try {
    for (const preset of presets) {
      if (preset !== 'readfile-intro') await playground.loadPreset(preset);
      const native = nativeRun(`www/scenarios/${preset}.js`, '--no-trace');
      await playground.toEnd();
      const status = await playground.status.textContent();
      assert.ok(status.includes(native.stop_reason), `${preset}: ${status} vs ${native.stop_reason}`);
      if (native.console.length > 0) {
        assert.deepEqual(await playground.consoleTexts(), native.console, preset);
      }
      if (native.requests) {
        assert.match(await page.getByTestId('figure-requests').textContent(), new RegExp(`^${native.requests.completed} answered`), preset);
        assert.ok(await page.getByTestId('chart-latency').isVisible(), `${preset}: latency chart`);
      }
      await playground.screenshot(`preset-${preset}`);
    }
    assert.deepEqual(playground.errors, []);
  } finally {
    await context.close();
  }
});

test('a knob re-runs at once: UV_THREADPOOL_SIZE=8 makes the pbkdf2 waves one', async () => {
  const { context, playground } = await openPlayground();
  try {
    await playground.loadPreset('pbkdf2-waves-pool-4');
    const four = await playground.endMs();
    await playground.setKnob('pool', 8);
    const eight = await playground.endMs();
    assert.ok(eight < four * 0.6, `pool 8 ends at ${eight} ms, pool 4 at ${four} ms`);
    await playground.setKnob('cpu', 200);
    const faster = await playground.endMs();
    assert.ok(faster < eight * 0.6, `CPU 200% ends at ${faster} ms`);
  } finally {
    await context.close();
  }
});

test('the stall: next stall jumps to it, the main thread shows blocked, scrubbing moves the clock', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.loadPreset('stall-on-main-thread');
    await page.locator('body').click();
    await page.keyboard.press('n');
    await page.getByTestId('scrubber').evaluate((input) => {
      input.value = String(Number(input.value) + 100_000);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    assert.match(await page.getByTestId('main-status').textContent(), /BLOCKED for 100\.0 ms/);
    assert.match(await playground.narration.textContent(), /blocked/);
    // Requests pile up at the door: one every 10 ms, none answered.
    const waiting = await page.locator('.token').count();
    const late = await page.locator('.token.late').count();
    assert.ok(waiting >= 10 && late >= 2, `requests piling up at the door: ${waiting} waiting, ${late} over 100 ms`);
    assert.match(await page.getByTestId('clock').textContent(), /^200\.0\d\d ms$/);
    await playground.screenshot('stall-blocked');
  } finally {
    await context.close();
  }
});

test('compare: the stall beside its worker version, on one scale', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.loadPreset('stall-on-main-thread');
    await playground.rerunAfter(() => page.getByTestId('compare-select').selectOption('pair'));
    await page.getByTestId('compare-table').waitFor({ timeout: 30_000 });
    // Event-loop delay p99: the stall shows in full; with the work in a
    // Worker the loop stays free.
    const rows = await page.getByTestId('compare-table').locator('tbody tr').nth(2).locator('td').allTextContents();
    const [inline, worker] = rows.map((text) => parseFloat(text));
    assert.ok(inline > 150 && worker < 50, `event-loop delay p99: inline ${inline} ms, worker ${worker} ms`);
    assert.ok((await page.locator('[data-testid="chart-latency"] path.s1').count()) >= 1, 'the comparison is on the same chart');
    await playground.screenshot('compare-stall');
  } finally {
    await context.close();
  }
});

test('bad code: the problem is shown at its line, the text is kept, fixing it runs again', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.rerunAfter(() => playground.editor.fill("const fs = require('fs');\nlet = ;\nconsole.log('x');\n"));
    await page.getByTestId('problems').waitFor();
    assert.match(await page.getByTestId('problems').textContent(), /Line 2/);
    assert.equal(await page.locator('.gutter .ln.has-error').allTextContents().then((lines) => lines.join()), '2');
    assert.match(await playground.editor.inputValue(), /let = ;/);
    await playground.rerunAfter(() => playground.editor.fill("console.log('fixed');\n"));
    assert.equal(await page.getByTestId('problems').count(), 0);
    await playground.toEnd();
    assert.deepEqual(await playground.consoleTexts(), ['fixed']);
    // The text survives a reload.
    await page.reload();
    await playground.waitForRun();
    assert.equal(await playground.editor.inputValue(), "console.log('fixed');\n");
  } finally {
    await context.close();
  }
});

test('a runaway loop stops with a reason and the page stays responsive; Stop ends a long run', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.rerunAfter(() => playground.editor.fill('while (true) {}\n'), 120_000);
    assert.match(await playground.status.textContent(), /stopped|limit|operations/i);
    // A timer that never stops: the run ends at the virtual time limit, says
    // why, and what happened before the limit stays viewable.
    await playground.rerunAfter(() => playground.editor.fill("let n = 0;\nsetInterval(() => { if (++n === 2) console.log('second tick'); }, 1);\n"), 120_000);
    assert.match(await playground.status.textContent(), /time limit.*a timer keeps firing/);
    await playground.toEnd();
    assert.deepEqual(await playground.consoleTexts(), ['second tick']);
    assert.ok((await playground.endMs()) > 1000, 'the trace up to the limit can be played');
    // Growth without end: the worker stops the run at its memory limit
    // instead of running out of wasm memory, and the next run works (in a
    // fresh worker, since this one now holds over 512 MiB).
    await playground.rerunAfter(() => playground.editor.fill("console.log('start');\nconst grow = [];\nwhile (true) grow.push({ n: grow.length });\n"), 120_000);
    assert.match(await playground.status.textContent(), /memory grew to \d+ MiB.*JavaScript heap out of memory/);
    assert.equal(await page.getByTestId('crash-link').count(), 0, 'no crash');
    await playground.rerunAfter(() => playground.editor.fill("console.log('after');\n"), 60_000);
    await playground.toEnd();
    assert.deepEqual(await playground.consoleTexts(), ['after']);
    // A run of a million requests: Stop ends it at once.
    const long = "// @looplab load open rate=1000/s amount=1000000\nrequire('http').createServer((req, res) => res.end('ok')).listen(3000);\n";
    await playground.editor.fill(long);
    await page.getByTestId('stop').waitFor({ timeout: 10_000 });
    const started = Date.now();
    // The page answers while the worker computes.
    const answer = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    assert.ok(answer > 0 && Date.now() - started < 1000, 'the page answers during the run');
    await page.getByTestId('stop').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.includes('stopped'));
    assert.match(await playground.editor.inputValue(), /amount=1000000/, 'the code is kept');
  } finally {
    await context.close();
  }
});

test('a phone shows the code or the simulation, with tabs; problems in the code turn to it', async () => {
  const { context, page, playground } = await openPlayground({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const code = page.locator('#pane-code');
    const simulation = page.locator('#pane-simulation');
    assert.ok(await simulation.isVisible(), 'the simulation is shown first');
    assert.ok(!(await code.isVisible()));
    await page.getByTestId('pane-code').click();
    assert.ok(await code.isVisible());
    assert.ok(!(await simulation.isVisible()));
    assert.equal(await page.getByTestId('pane-code').getAttribute('aria-selected'), 'true');
    await page.getByTestId('pane-simulation').click();
    await playground.toEnd();
    assert.deepEqual(await playground.consoleTexts(), ['before reading file', 'after calling readFile', 'file has been read']);
    // Nothing is wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
    // Bad code typed on the code tab: the code tab stays, with the problem.
    await page.getByTestId('pane-code').click();
    await playground.rerunAfter(() => playground.editor.fill('let = ;\n'));
    assert.ok(await code.isVisible());
    await page.getByTestId('problems').waitFor();
  } finally {
    await context.close();
  }
});
