// Timers fire by due time, then creation; setTimeout(f, 0) is 1 ms.
setTimeout(() => console.log('10 ms'), 10);
setTimeout(() => console.log('0 ms (is 1 ms)'), 0);
setTimeout(() => console.log('1 ms'), 1);
