// perf_hooks, util, timers/promises and events.once as event-loop code uses
// them. monitorEventLoopDelay is a 10 ms unref'd timer recording the gaps
// between its runs: a 100 ms busy loop shows as a gap of 100+ ms. Real Node
// v20 printed the same lines.
const { monitorEventLoopDelay, performance } = require('perf_hooks');
const { setTimeout: sleep, setImmediate: immediate } = require('timers/promises');
const util = require('util');
const fs = require('fs');
const EventEmitter = require('events');

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
const before = performance.eventLoopUtilization();

(async () => {
  console.log(util.format('%s has %d items', 'list', 3), util.inspect({ a: [1, 2] }));
  const value = await sleep(20, 'slept');
  console.log('timers/promises:', value, await immediate('now'));
  const stat = util.promisify(fs.stat);
  try { await stat('/nope'); } catch (error) { console.log('promisify rejects:', error.code); }
  const emitter = new EventEmitter();
  setTimeout(() => emitter.emit('ready', 42), 10);
  const [answer] = await EventEmitter.once(emitter, 'ready');
  console.log('events.once:', answer);
  const start = Date.now();
  while (Date.now() - start < 100) {}
  await sleep(30);
  histogram.disable();
  const elu = performance.eventLoopUtilization(before);
  console.log('delay max >= 100 ms:', histogram.max / 1e6 >= 100, '| samples:', histogram.count, '| p50 about 10 ms:', Math.abs(histogram.percentile(50) / 1e6 - 10) < 1);
  console.log('utilization between 0.5 and 1:', elu.utilization > 0.5 && elu.utilization < 1);
})();
