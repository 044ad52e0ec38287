// Looplab's core as wasm in Chromium against the same core natively: the
// M/M/4 pool scenario (www/scenarios/pool-queue-erlang-c.js) with N
// customers, metrics only (no trace), run in the real page's Web Worker.
//
//   scripts/dev build && node scripts/bench-wasm.mjs [customers...]
//
// Prints customers per second for both and their ratio (goal: wasm at least
// half of native).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, repoRoot, serveDist } from '../tests/e2e/support.mjs';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(20000, 100000);
const scenarioPath = path.join(repoRoot, 'www', 'scenarios', 'pool-queue-erlang-c.js');
const withLoad = (customers) =>
  fs.readFileSync(scenarioPath, 'utf8').replace(/\/\/ @looplab load .*\n/, `// @looplab load open rate=32/s arrivals=poisson amount=${customers}\n`);

function native(customers) {
  const file = path.join(repoRoot, 'target', `bench-wasm-${customers}.js`);
  fs.writeFileSync(file, withLoad(customers));
  const looplab = path.join(repoRoot, 'target', 'release', 'looplab');
  const start = process.hrtime.bigint();
  const run = spawnSync(looplab, ['run', file, '--json', '--no-trace'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`looplab failed: ${run.stderr}`);
  const report = JSON.parse(run.stdout);
  return { seconds, completed: report.requests.completed, waitMs: report.pool.wait_ms.mean };
}

// The page's wire format is postcard; `looplab message` converts it.
function message(direction, input) {
  const run = spawnSync(path.join(repoRoot, 'target', 'release', 'looplab'), ['message', direction], { input, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`looplab message ${direction} failed: ${run.stderr}`);
  return run.stdout;
}
const encode = (request) => message('encode', JSON.stringify(request));
const decode = (bytes) => JSON.parse(message('decode', Buffer.from(bytes)).toString('utf8'));

const server = await serveDist();
const { browser, close } = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  console.log('| customers | native s | wasm s | native customers/s | wasm customers/s | wasm / native |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const customers of sizes) {
    const source = withLoad(customers);
    const settings = { pool_size: 4, cores: 4, db_latency_us: 50000, seed: 1, events_max: 10000000, time_max_us: 600000000 };
    const request = encode({ RunSource: { run_id: 1, title: 'bench', source, settings, trace: false } });
    const { seconds, answer } = await page.evaluate(async (request) => {
      const worker = new Worker('./looplab_worker_loader.js');
      // Messages are postcard bytes; the first byte of an answer is its kind:
      // 0 Ready, 4 Finished, 5 Failed (FromWorker's variants in order).
      const answer = (kinds) =>
        new Promise((resolve) => {
          worker.addEventListener('message', function listen(event) {
            const bytes = new Uint8Array(event.data);
            if (kinds.includes(bytes[0])) {
              worker.removeEventListener('message', listen);
              resolve(bytes);
            }
          });
        });
      await answer([0]);
      const finished = answer([4, 5]);
      const start = performance.now();
      worker.postMessage(new Uint8Array(request));
      const bytes = await finished;
      const seconds = (performance.now() - start) / 1000;
      worker.terminate();
      return { seconds, answer: Array.from(bytes) };
    }, Array.from(request));
    const message = decode(answer);
    if (message.Failed) throw new Error(message.Failed.message);
    const summary = message.Finished.summary;
    const wasm = { seconds, completed: summary.metrics.requests.completed, waitMs: summary.metrics.pool.wait_us.mean / 1000 };
    const mine = native(customers);
    if (mine.completed !== customers || wasm.completed !== customers) throw new Error('a run did not answer every customer');
    if (Math.abs(mine.waitMs - wasm.waitMs) > 1e-9) throw new Error(`native and wasm disagree: ${mine.waitMs} vs ${wasm.waitMs}`);
    const rate = (run) => customers / run.seconds;
    console.log(
      `| ${customers} | ${mine.seconds.toFixed(2)} | ${wasm.seconds.toFixed(2)} | ${Math.round(rate(mine))} | ${Math.round(rate(wasm))} | ${(rate(wasm) / rate(mine)).toFixed(2)} |`,
    );
  }
} finally {
  await close();
  await server.close();
}
