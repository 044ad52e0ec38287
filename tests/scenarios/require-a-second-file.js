// A scenario can hold more than one file: a line that is only `// name.js`,
// where the code names './name.js', starts that file. require() runs it once
// and caches its exports, as Node's module cache does.
const counter = require('./counter');
counter.add();
console.log(require('./counter.js') === counter, counter.value());

// counter.js
let count = 0;
console.log('counter.js runs once, as', __filename);
module.exports = { add: () => count++, value: () => count };
