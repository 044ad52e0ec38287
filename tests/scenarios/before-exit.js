// 'beforeExit' when the loop empties; work scheduled there restarts it.
let n = 0;
process.on('beforeExit', () => {
  n++;
  console.log('beforeExit #' + n);
  if (n === 1) setTimeout(() => console.log('timer from beforeExit'), 1);
});
process.on('exit', (code) => console.log('exit ' + code));
