// An uncaught exception in a callback: Node prints it to stderr, emits
// 'exit' with code 1, and nothing scheduled after it runs.
process.on('exit', (code) => console.log('exit event, code ' + code));
setTimeout(() => {
  const user = {};
  console.log(user.profile.name);
}, 5);
setTimeout(() => console.log('never printed'), 10);
console.log('scheduled');
