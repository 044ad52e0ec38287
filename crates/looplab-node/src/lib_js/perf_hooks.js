// Node's perf_hooks: performance.now(), performance.eventLoopUtilization()
// (from the engine's record of the main thread's idle time in the poll
// phase), and monitorEventLoopDelay(), which, as in Node, is an unref'd
// timer repeating every `resolution` ms that records the intervals between
// its runs (in nanoseconds), so a free loop shows about the resolution.
const binding = require('%perfbinding');

function eventLoopUtilization(previous, before) {
  const now = binding.elu();
  let idle = now.idle;
  let active = now.active;
  if (previous && before) {
    idle = previous.idle - before.idle;
    active = previous.active - before.active;
  } else if (previous) {
    idle -= previous.idle;
    active -= previous.active;
  }
  const total = idle + active;
  return { idle, active, utilization: total > 0 ? active / total : 0 };
}

const performance = {
  now: () => globalThis.performance.now(),
  eventLoopUtilization,
  timeOrigin: 0,
};

class IntervalHistogram {
  // count, min, max and mean are kept as plain fields, updated per sample.
  constructor(resolution) {
    this.resolution = resolution;
    this.samples = [];
    this.timer = null;
    this.last = 0;
    this.reset();
  }

  _record(sample) {
    this.samples.push(sample);
    this.count = this.samples.length;
    this.min = Math.min(this.min, sample);
    this.max = Math.max(this.max, sample);
    this.total += sample;
    this.mean = this.total / this.count;
  }

  enable() {
    if (this.timer) return false;
    this.last = globalThis.performance.now();
    const histogram = this;
    this.timer = setInterval(() => {
      const now = globalThis.performance.now();
      histogram._record(Math.round((now - histogram.last) * 1e6));
      histogram.last = now;
    }, this.resolution);
    this.timer.unref();
    return true;
  }

  disable() {
    if (!this.timer) return false;
    clearInterval(this.timer);
    this.timer = null;
    return true;
  }

  reset() {
    this.samples = [];
    this.count = 0;
    this.min = 9223372036854776000;
    this.max = 0;
    this.total = 0;
    this.mean = NaN;
  }

  percentile(p) {
    if (this.samples.length === 0) return 0;
    const sorted = this.samples.slice().sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[rank - 1];
  }

}

function monitorEventLoopDelay(options) {
  const resolution = options && options.resolution > 0 ? options.resolution : 10;
  return new IntervalHistogram(resolution);
}

module.exports = { performance, monitorEventLoopDelay };
