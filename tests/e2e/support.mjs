// Shared pieces of the browser tests: a static server for dist/, Debian's
// Chromium driven by playwright-core (never a downloaded browser), and a
// page object that speaks in the playground's own terms.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = root;
export const distDir = path.join(root, 'dist');
export const artifactsDir = path.join(root, 'tests', 'artifacts');

const mimeTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * Serves dist/ on a free loopback port under `base` (a sub-path, as GitHub
 * Pages serves a project); resolves to { url, close }.
 */
export async function serveDist({ base = '/' } = {}) {
  await fs.access(path.join(distDir, 'index.html'));
  const server = http.createServer(async (request, response) => {
    const fullPath = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (!fullPath.startsWith(base)) {
      response.writeHead(404).end('not found');
      return;
    }
    const urlPath = '/' + fullPath.slice(base.length);
    const file = path.join(distDir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(distDir)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      response.writeHead(200, { 'content-type': mimeTypes[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${base}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Serves one HTML page (a blog post, say) from its own origin, with any
 * `files` beside it ({ 'poster.svg': { type, body } }).
 */
export async function servePage(html, files = {}) {
  const server = http.createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url, 'http://x').pathname).replace(/^\//, '');
    const file = Object.hasOwn(files, name) ? files[name] : null;
    if (file) {
      response.writeHead(200, { 'content-type': file.type });
      response.end(file.body);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  // Another port: another origin than the playground's.
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Debian's Chromium with the flags that work on these machines. Playwright
 * gives every launch a fresh, temporary profile (user data dir) of its own.
 */
export async function launchChromium() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** The playground, as a learner uses it. */
export class PlaygroundPage {
  constructor(page) {
    this.page = page;
    this.playButton = page.getByTestId('play');
    this.consoleLines = page.getByTestId('console-line').locator('.text');
    this.status = page.getByTestId('status');
    this.narration = page.getByTestId('narration');
    this.editor = page.getByTestId('editor');
  }

  async open(url) {
    this.errors = [];
    this.page.on('pageerror', (error) => this.errors.push(String(error)));
    await this.page.goto(url);
    await this.waitForRun();
  }

  /** The id of the page's current run (0 before the first). */
  async runId() {
    return Number(await this.status.getAttribute('data-run-id'));
  }

  /** Waits until a run newer than `after` has finished (or failed). */
  async waitForRun(after = 0, timeout = 60_000) {
    await this.page.waitForFunction(
      (after) => {
        const status = document.querySelector('[data-testid="status"]');
        return status && Number(status.dataset.runId) > after && status.dataset.done === 'true';
      },
      after,
      { timeout },
    );
  }

  /** Does `change` and waits for the run it causes. */
  async rerunAfter(change, timeout = 60_000) {
    const before = await this.runId();
    await change();
    await this.waitForRun(before, timeout);
  }

  async loadPreset(id) {
    await this.rerunAfter(async () => {
      const gallery = this.page.getByTestId('gallery');
      if (!(await gallery.evaluate((element) => element.open))) await gallery.locator('summary').click();
      await this.page.getByTestId(`preset-${id}`).click();
    });
  }

  async setSpeed(label) {
    await this.page.getByTestId('speed').selectOption({ label });
  }

  async play() {
    await this.playButton.click();
  }

  async toEnd() {
    await this.page.getByTestId('to-end').click();
  }

  async setKnob(name, value) {
    await this.rerunAfter(async () => {
      const input = this.page.getByTestId(`knob-${name}`);
      await input.fill(String(value));
      await input.press('Tab');
    });
  }

  /** The run's last virtual moment, in ms, from the status line. */
  async endMs() {
    const text = await this.status.textContent();
    const match = text.match(/the run ends at ([0-9.]+) (ms|s)/);
    if (!match) throw new Error(`no end time in: ${text}`);
    return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  }

  async consoleTexts() {
    return this.consoleLines.allTextContents();
  }

  /** Waits for `count` console lines, going on past each walkthrough step
   * as a reader does (a preset's walkthrough stops playback at its steps). */
  async waitForConsoleLines(count, timeout = 60_000) {
    await this.page.waitForFunction(
      (n) => {
        document.querySelector('[data-testid="walkthrough-continue"]')?.click();
        return document.querySelectorAll('[data-testid="console-line"]').length >= n;
      },
      count,
      { timeout, polling: 100 },
    );
  }

  /** Goes on past the walkthrough step on screen, if one is. */
  async continueStep() {
    const button = this.page.getByTestId('walkthrough-continue');
    if (await button.count()) await button.click();
  }

  async screenshot(name) {
    await fs.mkdir(artifactsDir, { recursive: true });
    const file = path.join(artifactsDir, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

const axeSource = await fs.readFile(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical findings on `page`, one line each. The
 * page's context must bypass its CSP (axe is injected as a script).
 */
export async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join('; ')}`);
}

/**
 * The release build served under `base` and a Chromium, for one test
 * file: made before its tests, closed after them. Read `fixture.server`
 * and `fixture.chromium` inside the tests.
 */
export function browserFixture({ base = '/looplab/' } = {}) {
  const fixture = {};
  before(async () => {
    fixture.server = await serveDist({ base });
    fixture.chromium = await launchChromium();
  });
  after(async () => {
    await fixture.chromium?.close();
    await fixture.server?.close();
  });
  return fixture;
}
