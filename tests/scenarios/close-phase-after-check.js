// socket.destroy() closes the handle with uv_close: its 'close' event runs in
// the close-callbacks phase, after check and before the next timers.
const net = require('net');
const server = net.createServer((socket) => {
  socket.on('close', () => console.log('socket close (close phase)'));
  socket.destroy();
  setTimeout(() => console.log('timeout (next iteration)'), 0);
  setImmediate(() => console.log('immediate (check phase)'));
  console.log('connection (poll phase)');
  server.close();
});
server.listen(0, () => net.connect(server.address().port));
