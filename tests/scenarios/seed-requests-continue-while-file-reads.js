// The second article's first example, as written: the file read goes to the
// thread pool and JavaScript moves on. (sample.txt does not exist, as on a
// fresh machine; the callback runs all the same.)
const fs = require("fs");
console.log("Request 1 started");
fs.readFile("sample.txt", "utf-8", (err, data) => {
console.log("File reading completed");
});
console.log("Request 2 started");
