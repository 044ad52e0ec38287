// Trunk post-build hook: moves the page's inline start-up script into a
// file (started by www/boot.js), so the Content-Security-Policy in index.html can forbid inline
// script (`script-src 'self' 'wasm-unsafe-eval'`). Trunk 0.21 always
// writes the wasm loader inline (trunk-rs/trunk#288).
//
// Runs in Trunk's staging directory (TRUNK_STAGING_DIR) on every build and
// every `trunk serve` rebuild.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('trunk-post-build: TRUNK_STAGING_DIR is not set (run by Trunk only)');
  process.exit(1);
}
const indexPath = path.join(dir, 'index.html');
let html = fs.readFileSync(indexPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
const hashed = (code, prefix) => `${prefix}-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
if (found) {
  // Trunk's loader becomes the start module; www/boot.js (copied by Trunk)
  // decides when to import it: at once, or on a click embed's Run.
  const code = found[1].trim() + '\n';
  const startName = hashed(code, 'start');
  fs.writeFileSync(path.join(dir, startName), code);
  const bootPath = path.join(dir, 'boot.js');
  const boot = fs.readFileSync(bootPath, 'utf8');
  const bootName = hashed(boot, 'boot');
  fs.renameSync(bootPath, path.join(dir, bootName));
  html = html.replace(inline, `<script type="module" src="./${bootName}" data-start="./${startName}"></script>`);
  // Preloads would fetch the wasm even for a placeholder: the boot script
  // puts them in the head when it starts the UI.
  const preloads = html.match(/<link rel="(?:modulepreload|preload)"[^>]*>/g) ?? [];
  for (const link of preloads) html = html.replace(link, '');
  html = html.replace('</head>', `<template id="looplab-preloads">${preloads.join('')}</template></head>`);
  fs.writeFileSync(indexPath, html);
}
// Nothing inline may remain: the policy would block it and the page would
// not start.
const leftover = html.match(/<script(?![^>]*\ssrc=)[^>]*>/);
if (leftover) {
  console.error(`trunk-post-build: an inline script is left in index.html: ${leftover[0]}`);
  process.exit(1);
}
