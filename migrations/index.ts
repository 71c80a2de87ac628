import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';

/** Every migration in order. Listed as classes (not a glob) so source and compiled runs agree. */
export const migrations = [InitialSchema1764000000000];
