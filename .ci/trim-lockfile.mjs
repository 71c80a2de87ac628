// npm records every platform build an optional native addon names (msgpackr-extract lists
// darwin/win32 builds), but when the registry in use cannot serve one, `npm install` leaves it
// out of the lock while `npm ci` still demands it and stops. Optional dependencies that have no
// entry in the lock were never installable here; dropping their names is what npm would do.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let dropped = 0;
for (const entry of Object.values(lock.packages ?? {})) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!lock.packages[`node_modules/${name}`]) {
      delete entry.optionalDependencies[name];
      dropped += 1;
    }
  }
}
if (dropped) {
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`ci: dropped ${dropped} optional dependencies this registry cannot serve from package-lock.json`);
}
