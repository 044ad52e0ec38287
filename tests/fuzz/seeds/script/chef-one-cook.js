// The chef analogy: one cook (the main thread) and many dishes in progress.
// The cook spends a moment on each order (chopping: a little CPU), puts it
// in the oven (a timer: the kitchen waits, the cook does not), and plates
// it when the oven rings. Thirty orders come in over a second; the cook is
// busy only a sliver of the time, yet every dish is done about 200 ms
// after it was ordered.
// @looplab load open rate=30/s amount=30 path=/order
const http = require('http');

function chop(ms) {
  const start = Date.now();
  while (Date.now() - start < ms) {}
}

http.createServer((req, res) => {
  chop(2);                     // the cook's own work
  setTimeout(() => {           // the oven: waiting costs the cook nothing
    chop(1);                   // plating
    res.end('dish ready');
  }, 200);
}).listen(3000);
