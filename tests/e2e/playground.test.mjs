// End-to-end: the release build in Debian's Chromium, as a learner uses it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const page = await context.newPage();
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const playground = new PlaygroundPage(page);
  await playground.open(server.url);
  return { context, page, playground, workers };
}

test('readFile seed: play shows the three lines in Node order, from the worker', async () => {
  const { context, playground, workers } = await openPlayground();
  try {
    assert.deepEqual(await playground.consoleTexts(), [], 'nothing is printed before play');
    await playground.setSpeed('16×');
    await playground.play();
    await playground.waitForConsoleLines(3);
    assert.deepEqual(await playground.consoleTexts(), [
      'before reading file',
      'after calling readFile',
      'file has been read',
    ]);
    // The run came from the simulation worker, not the page.
    assert.ok(workers.some((url) => url.endsWith('looplab_worker_loader.js')), `worker scripts: ${workers}`);
    await playground.page.waitForFunction(() => document.querySelector('[data-testid="status"]').textContent.includes('exited with code 0'));
    await playground.screenshot('readfile-intro');
    assert.deepEqual(playground.errors, [], 'no uncaught page errors');
  } finally {
    await context.close();
  }
});

test('stepping shows the pool thread busy, and step back undoes it', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    const busyThreads = () => page.locator('[data-testid="pool-thread"].busy').count();
    assert.equal(await page.getByTestId('pool-thread').count(), 4, 'the default pool has 4 threads');
    // Step until the first pool job starts: the open of the file.
    for (let i = 0; i < 20 && (await busyThreads()) === 0; i++) {
      await page.getByTestId('step-forward').click();
    }
    assert.equal(await busyThreads(), 1);
    assert.match(await page.locator('[data-testid="pool-thread"].busy .job').textContent(), /open \/some\/big\/file\.txt/);
    assert.match(await playground.narration.textContent(), /Pool thread 0 picks up/);
    await playground.screenshot('readfile-pool-busy');
    await page.getByTestId('step-back').click();
    assert.equal(await busyThreads(), 0);
  } finally {
    await context.close();
  }
});

test('keyboard: space plays, End jumps to the end', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await page.locator('body').click();
    await page.keyboard.press('End');
    await playground.waitForConsoleLines(3, 5_000);
    await page.keyboard.press('Home');
    assert.deepEqual(await playground.consoleTexts(), []);
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    await page.keyboard.press(' ');
    assert.equal(await playground.playButton.textContent(), 'Pause');
    await playground.waitForConsoleLines(3);
  } finally {
    await context.close();
  }
});

test('the run in the browser (wasm) has the same trace hash as the native CLI', async () => {
  const { context, page } = await openPlayground();
  try {
    const hash = page.getByTestId('trace-hash');
    await hash.waitFor({ timeout: 30_000 });
    const browserHash = (await hash.textContent()).trim();
    const output = execFileSync('cargo', ['run', '-q', '--release', '--bin', 'looplab', '--', 'run', 'www/scenarios/readfile-intro.js', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const nativeHash = JSON.parse(output).trace_hash;
    assert.match(browserHash, /^[0-9a-f]{16}$/);
    assert.equal(browserHash, nativeHash);
  } finally {
    await context.close();
  }
});
