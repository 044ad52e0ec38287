'use strict';
// Node's test/common/README.md, "tmpdir Module": a scratch directory that
// refresh() empties (deletes and recreates) and that is removed at exit.
const path = require('path');
const fs = require('fs');

// Node puts it in test/.tmp.<id>, the id telling parallel runs apart.
const id = process.env.TEST_SERIAL_ID || process.env.TEST_THREAD_ID || '0';
const tmpPath = path.join(__dirname, '..', `.tmp.${id}`);

function remove() {
  if (fs.existsSync(tmpPath)) fs.rmSync(tmpPath, { recursive: true, force: true });
}

let cleanupAdded = false;

function refresh() {
  remove();
  fs.mkdirSync(tmpPath, { recursive: true });
  // README: the first refresh() adds an 'exit' listener that cleans it up
  // (here only on the main thread: a Worker must not remove its parent's).
  if (!cleanupAdded && require('worker_threads').isMainThread) {
    cleanupAdded = true;
    process.on('exit', remove);
  }
}

// Node's tmpdir.resolve(...paths): path.resolve from the directory.
function resolve(...paths) {
  return path.resolve(tmpPath, ...paths);
}

// Node's tmpdir.hasEnoughSpace(size): free bytes for unprivileged users.
function hasEnoughSpace(size) {
  const { bavail, bsize } = fs.statfsSync(tmpPath);
  return bavail >= Math.ceil(size / bsize);
}

module.exports = { path: tmpPath, refresh, resolve, hasEnoughSpace };
