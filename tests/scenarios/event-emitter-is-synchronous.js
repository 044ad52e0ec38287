// EventEmitter calls its listeners synchronously, in registration order.
const EventEmitter = require('events');
class Oven extends EventEmitter {
  constructor(name) {
    super();
    this.name = name;
  }
  bake() {
    console.log(this.name + ': emitting done');
    this.emit('done', 'pasta');
    console.log(this.name + ': emit returned');
  }
}
const oven = new Oven('oven');
oven.on('done', (dish) => console.log('first listener: ' + dish));
oven.once('done', (dish) => console.log('once listener: ' + dish));
oven.bake();
oven.bake();
console.log('listeners left: ' + oven.listenerCount('done'));
