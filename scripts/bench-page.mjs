// The playground's performance budgets, measured in Debian's Chromium on
// the release build (run `scripts/dev build` first):
//
//   node scripts/bench-page.mjs
//
// - start: navigation to the first render of the playground with its preset
//   (the editor and the lanes on screen), and to the first run's figures;
// - frames: playback at 1x with 1,000 requests in flight: frame times
//   (requestAnimationFrame gaps) and long tasks (> 50 ms) on the page;
// - a 1,000,000-request run in the worker: time to its figures, and the
//   page's frames meanwhile;
// - the timeline with 100,000 requests in flight: frame times and long
//   tasks while it is zoomed (wheel) and panned (drag) for 3 s;
// - transfer: what the page loads, gzipped (as `scripts/dev sizes`).
// Prints a markdown table and writes target/bench/page.json.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { serveDist, launchChromium, PlaygroundPage, repoRoot, distDir } from '../tests/e2e/support.mjs';

const IN_FLIGHT = `// @looplab load burst at=0ms count=1000
// 1,000 requests at once, each answered after a 2 s timer: all in flight.
const http = require('http');
http.createServer((req, res) => {
  setTimeout(() => res.end('ok'), 2000);
}).listen(3000);
`;

const MILLION = `// @looplab load open rate=10000/s amount=1000000
const http = require('http');
http.createServer((req, res) => res.end('ok')).listen(3000);
`;

const HUNDRED_THOUSAND = `// @looplab load burst at=0ms count=100000
// 100,000 requests at once, each answered after a 2 s timer: all in flight.
const http = require('http');
http.createServer((req, res) => {
  setTimeout(() => res.end('ok'), 2000);
}).listen(3000);
`;

function percentile(values, share) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
}

/** Frame gaps and long tasks on the page for `ms` of real time. */
async function watchFrames(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const gaps = [];
        const longTasks = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration)));
        observer.observe({ entryTypes: ['longtask'] });
        let last = performance.now();
        const end = last + ms;
        const frame = (now) => {
          gaps.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(frame);
          else {
            observer.disconnect();
            resolve({ gaps, longTasks });
          }
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

const server = await serveDist();
const { browser, close } = await launchChromium();
const results = {};
try {
  // Start: a fresh profile, so no saved code; the first preset.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(server.url);
  await page.getByTestId('editor').waitFor();
  await page.getByTestId('main-thread').waitFor();
  results.first_render_ms = Date.now() - started;
  const playground = new PlaygroundPage(page);
  await playground.waitForRun();
  results.first_figures_ms = Date.now() - started;

  // Frames with 1,000 requests in flight, playing at 1x.
  await playground.rerunAfter(() => playground.editor.fill(IN_FLIGHT));
  await page.locator('body').click();
  await page.getByTestId('speed').selectOption({ label: '1×' });
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelectorAll('.token').length >= 400, undefined, { timeout: 20_000 });
  const inFlight = await page.evaluate(() => document.querySelector('[data-testid="requests"] h3').textContent);
  const frames = await watchFrames(page, 3000);
  results.frames_1000_in_flight = {
    shown: inFlight,
    frames: frames.gaps.length,
    p50_ms: percentile(frames.gaps, 0.5),
    p95_ms: percentile(frames.gaps, 0.95),
    max_ms: Math.max(...frames.gaps),
    long_tasks: frames.longTasks.length,
    longest_task_ms: Math.max(0, ...frames.longTasks),
  };
  await page.getByTestId('play').click();

  // A million requests in the worker; the page keeps drawing meanwhile.
  const before = await playground.runId();
  const runStarted = Date.now();
  await playground.editor.fill(MILLION);
  await page.getByTestId('stop').waitFor({ timeout: 10_000 });
  const during = await watchFrames(page, 1500);
  await playground.waitForRun(before, 600_000);
  results.million_requests = {
    // Includes the editor's 400 ms pause before a run starts.
    run_ms: Date.now() - runStarted - 400,
    status: (await playground.status.textContent()).slice(0, 140),
    frames_during_p95_ms: percentile(during.gaps, 0.95),
    long_tasks_during: during.longTasks.length,
  };

  // The timeline with 100,000 requests in flight: zoom and pan it while
  // the frames are watched.
  const beforeTimeline = await playground.runId();
  await playground.editor.fill(HUNDRED_THOUSAND);
  await playground.waitForRun(beforeTimeline, 600_000);
  const timeline = page.locator('[data-testid=timeline] svg');
  await timeline.scrollIntoViewIfNeeded();
  const box = await timeline.boundingBox();
  const requestMarks = await page.locator('[data-testid=timeline] .tk-bar').count();
  const watching = watchFrames(page, 3000);
  const gestures = (async () => {
    const started = Date.now();
    let zoomIn = true;
    while (Date.now() - started < 2800) {
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      for (let i = 0; i < 4; i += 1) await page.mouse.wheel(0, zoomIn ? -240 : 240);
      zoomIn = !zoomIn;
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
    }
  })();
  const [timelineFrames] = await Promise.all([watching, gestures]);
  results.timeline_100k = {
    status: (await playground.status.textContent()).slice(0, 160),
    request_marks_drawn: requestMarks,
    frames: timelineFrames.gaps.length,
    p50_ms: percentile(timelineFrames.gaps, 0.5),
    p95_ms: percentile(timelineFrames.gaps, 0.95),
    max_ms: Math.max(...timelineFrames.gaps),
    long_tasks: timelineFrames.longTasks.length,
    longest_task_ms: Math.max(0, ...timelineFrames.longTasks),
  };
  await context.close();

  // Transfer: every file the page loads, gzipped.
  const files = (await fs.readdir(distDir)).filter((name) => /\.(html|js|wasm|css|svg)$/.test(name));
  results.transfer = {};
  let total = 0;
  for (const name of files) {
    const bytes = await fs.readFile(path.join(distDir, name));
    const gz = zlib.gzipSync(bytes, { level: 9 }).length;
    results.transfer[name] = { raw: bytes.length, gzip: gz };
    total += gz;
  }
  results.transfer_total_gzip = total;
} finally {
  await close();
  await server.close();
}

const f = (ms) => `${ms.toFixed(1)} ms`;
console.log('| budget | goal | measured |');
console.log('|---|---|---|');
console.log(`| first render with a preset | ≤ 1 s | ${f(results.first_render_ms)} (first run's figures at ${f(results.first_figures_ms)}) |`);
const fr = results.frames_1000_in_flight;
console.log(`| frames, 1,000 in flight at 1× | p95 ≤ 16.7 ms, no task > 50 ms | p95 ${f(fr.p95_ms)}, p50 ${f(fr.p50_ms)}, max ${f(fr.max_ms)}; ${fr.long_tasks} long tasks (longest ${f(fr.longest_task_ms)}); lane: "${fr.shown}" |`);
const tl = results.timeline_100k;
console.log(`| timeline zoomed and panned, 100,000 in flight | p95 ≤ 16.7 ms, no task > 50 ms | p95 ${f(tl.p95_ms)}, p50 ${f(tl.p50_ms)}, max ${f(tl.max_ms)}; ${tl.long_tasks} long tasks (longest ${f(tl.longest_task_ms)}); ${tl.request_marks_drawn} request marks drawn; "${tl.status}" |`);
const mr = results.million_requests;
console.log(`| 1,000,000 requests in the worker | ≤ 2 s | ${(mr.run_ms / 1000).toFixed(1)} s; page frames meanwhile p95 ${f(mr.frames_during_p95_ms)}, ${mr.long_tasks_during} long tasks |`);
console.log(`| transfer (gzip) | ≤ 600 KB | ${(results.transfer_total_gzip / 1000).toFixed(1)} KB: ${Object.entries(results.transfer).map(([name, size]) => `${name} ${(size.gzip / 1000).toFixed(1)} KB`).join(', ')} |`);
await fs.mkdir(path.join(repoRoot, 'target', 'bench'), { recursive: true });
await fs.writeFile(path.join(repoRoot, 'target', 'bench', 'page.json'), JSON.stringify(results, null, 1));
