import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Business } from '../config/business-schema.js';
import { loadBusinesses } from '../config/load-businesses.js';

/** A business by id, or by the name of its file in the BUSINESS_CONFIG folder (`salon`). */
export function findBusiness(folder: string, wanted: string, fail: (message: string) => never): Business {
  const isFolder = existsSync(folder) && statSync(folder).isDirectory();
  const file = isFolder ? ['yaml', 'yml', 'json'].map((ext) => join(folder, `${wanted}.${ext}`)).find((path) => existsSync(path)) : undefined;
  const businesses = loadBusinesses(file ?? folder);
  const found = file ? businesses[0] : businesses.find((candidate) => candidate.id === wanted);
  return found ?? fail(`--business: no business "${wanted}" in ${folder} (known: ${loadBusinesses(folder).map((b) => b.id).join(', ')})`);
}
