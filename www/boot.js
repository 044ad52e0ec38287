// The page's start. Usually it starts the UI's wasm at once. An embed that
// runs on a click (`#embed&click&…`) first shows a placeholder — the title,
// a still of the scenario (its first lines of code), a Run button — and
// fetches no wasm and starts no worker until the reader presses Run.
//
// This file is plain JavaScript because it runs before any wasm: it reads
// the share link's payload itself (base64url of raw-deflated JSON, as
// looplab-share writes it: `t` title, `c` code, or `p` a frozen example
// with `d` one span of lines replaced) and only for the placeholder. The
// UI decodes the link again, with every check, when it starts.
//
// The post-build hook (scripts/trunk-post-build.mjs) names the UI's start
// module in this script's `data-start` and moves Trunk's preload links into
// `<template id="looplab-preloads">`, so a placeholder preloads nothing.
const script = document.querySelector('script[data-start]');
const items = location.hash.replace(/^#/, '').split('&');

function start() {
  const preloads = document.getElementById('looplab-preloads');
  if (preloads) document.head.append(preloads.content.cloneNode(true));
  return import(script.dataset.start);
}

if (items.includes('embed') && items.includes('click')) placeholder();
else start();

/** `{ title, code }` of the link's scenario, as far as it can be read. */
async function scenarioOf() {
  const item = items.find((item) => item.startsWith('s=1.'));
  if (!item) return { title: '', code: '' };
  const bytes = Uint8Array.from(atob(item.slice(4).replaceAll('-', '+').replaceAll('_', '/')), (char) => char.charCodeAt(0));
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const payload = JSON.parse(await new Response(inflated).text());
  let code = typeof payload.c === 'string' ? payload.c : '';
  if (!code && typeof payload.p === 'string' && !payload.l) {
    const response = await fetch(`frozen/v1/${encodeURIComponent(payload.p)}.js`);
    if (response.ok) {
      const lines = (await response.text()).split('\n');
      if (Array.isArray(payload.d)) lines.splice(Number(payload.d[0]), Number(payload.d[1]), ...payload.d[2]);
      code = lines.join('\n');
    }
  }
  return { title: typeof payload.t === 'string' ? payload.t : '', code };
}

function element(tag, properties = {}, children = []) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

/** Tells the page around the embed how tall it is (as the UI does). */
function postHeight() {
  if (parent === window) return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  parent.postMessage({ type: 'looplab:height', height, href: location.href }, '*');
}

function setTheme(theme) {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

function placeholder() {
  const theme = items.find((item) => item.startsWith('theme='));
  if (theme) setTheme(theme.slice('theme='.length));
  // The host page's theme, live, as the UI takes it.
  const onMessage = (event) => {
    if (event.source === parent && event.data && event.data.type === 'looplab:theme') setTheme(event.data.theme);
  };
  addEventListener('message', onMessage);

  const title = element('span', { className: 'embed-title', textContent: 'A Looplab scenario' });
  // The full playground, without the embed's own items.
  const full = `${location.href.split('#')[0]}#${items.filter((item) => /^s=/.test(item)).join('&')}`;
  const still = element('pre', { className: 'code-readonly click-still', tabIndex: 0, ariaLabel: "The scenario's first lines of code" });
  const run = element('button', { className: 'click-run', type: 'button', textContent: '▶ Run' });
  run.dataset.testid = 'click-run';
  run.setAttribute('aria-describedby', 'click-hint');
  const hint = element('p', { id: 'click-hint', className: 'hint', textContent: 'Runs a simulation of Node.js in your browser: it loads about 1 MB.' });
  const box = element('div', { className: 'app embed click-placeholder' }, [
    element('header', { className: 'embed-bar' }, [
      element('strong', { className: 'brand', textContent: 'Looplab' }),
      title,
      element('a', { className: 'open-full', href: full, target: '_blank', rel: 'noopener', textContent: 'Open in Looplab ↗' }),
    ]),
    element('main', { className: 'click-body' }, [still, element('div', { className: 'click-actions' }, [run, hint])]),
  ]);
  box.dataset.testid = 'click-placeholder';
  document.body.append(box);
  postHeight();

  scenarioOf()
    .then(({ title: text, code }) => {
      if (text) title.textContent = text;
      const lines = code.split('\n');
      still.textContent = lines.slice(0, 14).join('\n') + (lines.length > 14 ? '\n…' : '');
      postHeight();
    })
    // A damaged link: the UI says what is wrong with it once it runs.
    .catch(() => {
      still.textContent = 'This link could not be read here: press Run to see why.';
    });

  run.addEventListener('click', () => {
    run.disabled = true;
    run.textContent = 'Loading…';
    removeEventListener('message', onMessage);
    // The UI's first render replaces the placeholder.
    addEventListener('TrunkApplicationStarted', () => box.remove(), { once: true });
    start().catch(() => {
      run.disabled = false;
      run.textContent = '▶ Run';
      hint.textContent = 'The simulation could not be loaded: check the connection and press Run again.';
    });
  });
}
