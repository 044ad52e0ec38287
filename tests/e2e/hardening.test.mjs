// End-to-end hardening: a crashing worker, hostile text in every place it
// can appear, and accessibility (axe-core) on the playground and the embed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchChromium, PlaygroundPage, axe } from './support.mjs';
import { encodeLinkInPage } from './links.mjs';

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

async function openPlayground(url = server.url, options = {}) {
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const playground = new PlaygroundPage(page);
  await playground.open(url);
  return { context, page, playground, dialogs };
}

test('a worker that crashes: the page says so, restarts it, keeps the code, offers a link, and runs again', async () => {
  const { context, page, playground } = await openPlayground();
  try {
    await playground.rerunAfter(() => playground.editor.fill("console.log('mine');\n"));
    await page.evaluate(() => window.dispatchEvent(new Event('looplab:crash-drill')));
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').textContent(), /The simulation crashed \(.+\)\. It has been restarted and your code is kept/);
    assert.equal(await playground.editor.inputValue(), "console.log('mine');\n");
    const link = await page.getByTestId('crash-link').getAttribute('href');
    assert.match(link, /#s=1\./);
    // The fresh worker answers: Run works.
    await playground.rerunAfter(() => page.getByTestId('run').click());
    await playground.toEnd();
    assert.deepEqual(await playground.consoleTexts(), ['mine']);
    // The page itself never broke.
    assert.deepEqual(playground.errors, []);
  } finally {
    await context.close();
  }
});

const HOSTILE = [
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 2">',
  'javascript:window.pwned = 3',
  '"><svg onload="window.pwned = 4">',
];

test('hostile text is shown as text everywhere: code, console, file names, errors, titles, links', async () => {
  // A file name holds no spaces in a directive: the tag without them.
  const file = '/tmp/<img/src=x/onerror=window.pwned=5>.txt';
  const code = [
    `// @looplab file ${file} 1KiB`,
    "const fs = require('fs');",
    ...HOSTILE.map((text) => `console.log(${JSON.stringify(text)});`),
    `fs.readFile('${file}', () => console.log('read'));`,
    `console.error(${JSON.stringify(HOSTILE[3])});`,
    '',
  ].join('\n');
  const { context, page, playground, dialogs } = await openPlayground();
  try {
    await playground.rerunAfter(() => playground.editor.fill(code));
    await playground.toEnd();
    const lines = await playground.consoleTexts();
    for (const text of HOSTILE) assert.ok(lines.includes(text), `printed as text: ${text} in ${JSON.stringify(lines)}`);
    assert.ok(lines.includes('read'), 'the hostile file name was read');
    // Stepping shows the pool job with the file's name, as text.
    await page.getByTestId('restart').click();
    for (let step = 0; step < 30; step += 1) await page.getByTestId('step-forward').click();
    // An error message quoting hostile code.
    await playground.rerunAfter(() => playground.editor.fill(`let ${HOSTILE[1]} = 1;\n`));
    await page.getByTestId('problems').waitFor();
    // A link whose title and code are hostile.
    const link = await encodeLinkInPage(page, { title: HOSTILE[2], code: `console.log(${JSON.stringify(HOSTILE[0])});\n` });
    await page.goto('about:blank');
    await page.goto(`${server.url}#${link}`);
    await playground.waitForRun();
    assert.equal(await page.locator('.code-panel > h2').textContent(), HOSTILE[2]);
    await page.getByTestId('share').click();
    assert.ok((await page.getByTestId('embed-snippet').inputValue()).includes('title="Looplab: javascript:window.pwned = 3"'));
    // Nothing ran and nothing was made into markup.
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('img[src="x"], svg[onload], script:not([src])').count(), 0);
    assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  } finally {
    await context.close();
  }
});

test('accessibility: axe-core finds nothing serious or critical on the playground, its dialogs, or the embed', async () => {
  // axe is injected as a script: this context lets it past the page's CSP.
  const { context, page, playground } = await openPlayground(server.url, { bypassCSP: true });
  try {
    await playground.loadPreset('stall-on-main-thread');
    await page.getByTestId('next-stall').click();
    assert.deepEqual(await axe(page), [], 'the playground mid-stall');
    await page.getByTestId('share').click();
    await page.getByTestId('gallery').locator('summary').click();
    assert.deepEqual(await axe(page), [], 'with the gallery and Share open');
    const embed = (await page.getByTestId('embed-snippet').inputValue()).match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    await page.goto('about:blank');
    await page.goto(embed);
    await page.getByTestId('embed').waitFor();
    await playground.waitForRun();
    assert.deepEqual(await axe(page), [], 'the embed');
    for (const scheme of ['dark', 'light']) {
      await page.emulateMedia({ colorScheme: scheme });
      // Backgrounds ease over 0.2 s; text colours switch at once. Judge
      // the settled page, not the frames in between.
      await page.waitForTimeout(500);
      assert.deepEqual(await axe(page), [], `the embed, ${scheme}`);
    }
  } finally {
    await context.close();
  }
});
