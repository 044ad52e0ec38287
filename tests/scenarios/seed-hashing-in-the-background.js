// The second article's pbkdf2 example, as written: the hash runs on a pool
// thread while JavaScript keeps going.
const crypto = require("crypto");
console.log("Hashing started");
crypto.pbkdf2("password", "salt", 100000, 64, "sha512", () => {
console.log("Hash generated");
});
console.log("Handling other requests");
