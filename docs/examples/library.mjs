import { createHub } from 'insight-hub';
import { connect } from 'insight-hub/client';

// A hub on a free port with its own HS256 secret (without one it generates a secret in dataDir).
const hub = await createHub({ port: 0, dataDir: './hub-data', logLevel: 'warn', auth: { secret: 'replace-me-with-32-or-more-random-characters' } });
const tokenFor = (sub) => hub.mintToken({ sub, role: 'editor', rooms: ['dashboard:*'] }); // valid 8 h

const alice = connect({ url: hub.wsUrl, getToken: () => tokenFor('alice') });
const bob = connect({ url: hub.wsUrl, getToken: () => tokenFor('bob') });
const aliceRoom = alice.room('dashboard:42');
const bobRoom = bob.room('dashboard:42');

const received = new Promise((resolve) => bobRoom.on('refresh', (data) => resolve(data)));
// Publish once Bob has joined: Alice sees him in the room's presence.
await new Promise((resolve) => aliceRoom.onPresence((members) => members.some((m) => m.sub === 'bob') && resolve()));
const { seq } = await aliceRoom.publish('refresh', { widgets: ['w7'] });
console.log(`Bob received message ${seq}:`, await received);

alice.close();
bob.close();
await hub.close();
