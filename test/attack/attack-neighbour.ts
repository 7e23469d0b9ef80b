/**
 * The neighbour in its own process (so an attacker's CPU in the measuring process cannot slow it):
 *   npx tsx test/attack/attack-neighbour.ts <port> <ms>   → one JSON line (NeighbourReport)
 */
import { neighbour, sleep } from './attack-lib.js';

const [port, ms] = process.argv.slice(2).map(Number);
const n = await neighbour(port!);
await sleep(ms!);
console.log(JSON.stringify(n.stop()));
process.exit(0);
