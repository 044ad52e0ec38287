// An async function runs synchronously up to its first await.
async function f() {
  console.log('f: before await');
  await null;
  console.log('f: after await');
  return 'value';
}
f().then((v) => console.log('resolved with ' + v));
console.log('after calling f');
