// End-to-end: predict, then run (issue 17) — a learner orders the printed
// lines by keyboard, the prediction round-trips through a link, and the run
// marks it with the rule for each difference; in an embed too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserFixture, PlaygroundPage, axe } from './support.mjs';

const fixture = browserFixture();

const CODE = [
  "setTimeout(() => console.log('timeout'), 0);",
  "setImmediate(() => console.log('immediate'));",
  "Promise.resolve().then(() => console.log('promise'));",
  "process.nextTick(() => console.log('nextTick'));",
  "console.log('sync');",
  '',
].join('\n');

async function predictedTexts(page) {
  return page.getByTestId('predict-line').locator('.predict-text').allTextContents();
}

/** Lays the lines out as `wanted` with Alt+↑ alone, as a keyboard user. */
async function orderByKeyboard(page, wanted) {
  for (let position = 0; position < wanted.length; position += 1) {
    const texts = await predictedTexts(page);
    const from = texts.indexOf(wanted[position], position);
    assert.ok(from >= position, `${wanted[position]} is among the lines still to place`);
    await page.getByTestId('predict-line').nth(from).focus();
    for (let step = from; step > position; step -= 1) {
      await page.keyboard.press('Alt+ArrowUp');
      // The moved line keeps the focus at its new place.
      await page.waitForFunction((at) => document.activeElement === document.querySelectorAll('[data-testid=predict-line]')[at], step - 1);
    }
  }
  assert.deepEqual(await predictedTexts(page), wanted);
}

test('a learner orders the printed lines by keyboard; the link keeps the prediction; the run marks it with the rules', async () => {
  const context = await fixture.chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    const playground = new PlaygroundPage(page);
    await playground.open(fixture.server.url);
    await playground.rerunAfter(() => page.getByTestId('editor').fill(CODE));
    await page.getByTestId('predict-start').click();
    const shuffled = await predictedTexts(page);
    assert.equal(shuffled.length, 5);
    assert.notDeepEqual(shuffled, ['sync', 'nextTick', 'promise', 'immediate', 'timeout'], 'not laid out as the answer');
    // Promises before nextTick, and timers before immediates: two mistakes.
    const guess = ['sync', 'promise', 'nextTick', 'timeout', 'immediate'];
    await orderByKeyboard(page, guess);
    assert.deepEqual(await axe(page), [], 'the prediction panel');

    // The address is a link to this prediction: a fresh visit lays it out.
    const link = page.url();
    assert.match(link, /#predict=[0-9.]+&s=1\./);
    const other = await fixture.chromium.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const visitor = new PlaygroundPage(await other.newPage());
      await visitor.open(link);
      await visitor.page.getByTestId('predict').waitFor();
      assert.deepEqual(await predictedTexts(visitor.page), guess);
    } finally {
      await other.close();
    }

    // Check: the run plays from the start and marks each line as printed.
    await page.getByTestId('predict-check').click();
    await page.getByTestId('play').filter({ hasText: 'Pause' }).waitFor();
    await page.getByTestId('to-end').click();
    await page.getByTestId('predict-score').filter({ hasText: '1 of 5 where Node printed them.' }).waitFor();
    const verdicts = await page.getByTestId('predict-verdict').allTextContents();
    assert.deepEqual(verdicts, [
      '✓ Node printed it here',
      '✗ Node printed “nextTick” here',
      '✗ Node printed “promise” here',
      '✗ Node printed “immediate” here',
      '✗ Node printed “timeout” here',
    ]);
    const rules = await page.getByTestId('predict-rule').allTextContents();
    assert.equal(rules[0], "process.nextTick's queue is drained before the promise (microtask) queue.");
    assert.match(rules[2], /check phase: setImmediate runs before the loop comes back round to the timers phase/);
    await page.waitForTimeout(500);
    assert.deepEqual(await axe(page), [], 'the marked prediction');
    await playground.screenshot('predict-marked');
    // Again: a fresh order to lay out; the run waits.
    await page.getByTestId('predict-again').click();
    await page.getByTestId('predict-check').waitFor();
  } finally {
    await context.close();
  }
});

test('an embed that asks to predict waits for the reader\'s order before it plays', async () => {
  const context = await fixture.chromium.browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(fixture.server.url).origin });
  try {
    const page = await context.newPage();
    const playground = new PlaygroundPage(page);
    await playground.open(fixture.server.url);
    await playground.rerunAfter(() => page.getByTestId('editor').fill(CODE));
    await page.getByTestId('share').click();
    await page.getByTestId('embed-predict').check();
    const url = (await page.getByTestId('embed-snippet').inputValue()).match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    assert.match(url, /#predict&embed&autoplay&/);
    await page.goto('about:blank');
    await playground.open(url);
    await page.getByTestId('embed').waitFor();
    await page.getByTestId('predict').waitFor();
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('play').textContent(), 'Play', 'autoplay waits for the prediction');
    await page.getByTestId('predict-check').click();
    await page.getByTestId('predict-score').waitFor();
    await playground.screenshot('predict-embed');
  } finally {
    await context.close();
  }
});
