// @looplab file /some/big/file.txt 2MiB
const fs = require('fs');

console.log('before reading file');

fs.readFile('/some/big/file.txt', 'utf8', (err, data) => {
  // this callback runs later, when the file is done being read
  console.log('file has been read');
});

console.log('after calling readFile');
