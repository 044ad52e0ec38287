'use strict';
// Node's test/common/README.md, "Fixtures Module": paths into and reads from
// the test/fixtures directory.
const path = require('path');
const fs = require('fs');

// Where the fixture files are. Looplab provides them at /fixtures; change
// this one line there.
const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures');

// README: "Returns the result of path.join(fixtures.fixturesDir, ...args)".
function fixturesPath(...args) {
  return path.join(FIXTURES_DIR, ...args);
}

// README: readSync(args[, enc]); args is one name or an array of parts.
function readSync(args, enc) {
  const parts = Array.isArray(args) ? args : [args];
  return fs.readFileSync(fixturesPath(...parts), enc);
}

module.exports = { fixturesDir: FIXTURES_DIR, path: fixturesPath, readSync };
