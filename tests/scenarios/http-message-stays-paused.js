// An IncomingMessage is a Readable that starts paused: listening to 'end'
// alone does not start it. The client's response ends only once resume()
// is called; the server's unread request ends after its response finishes
// (Node dumps it). Real Node v20 printed these lines in this order.
const http = require('http');
const t0 = Date.now();
const server = http.createServer((req, res) => {
  req.on('end', () => console.log('server: request end, ' + (Date.now() - t0 >= 40 ? 'after' : 'before') + ' the response'));
  setTimeout(() => {
    console.log('server: responding');
    res.end('ok');
  }, 50);
}).listen(0, () => {
  http.get('http://127.0.0.1:' + server.address().port + '/', (res) => {
    res.on('end', () => {
      console.log('client: response end');
      server.close();
    });
    setTimeout(() => {
      console.log('client: resume()');
      res.resume();
    }, 100);
  });
});
