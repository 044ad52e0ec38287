// An immediate queued during the check phase runs in the next iteration.
setImmediate(() => {
  console.log('a');
  setImmediate(() => console.log('c (next iteration)'));
});
setImmediate(() => console.log('b'));
