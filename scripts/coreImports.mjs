// Prints the picture of main/core's room imports: each room, top to bottom, and the rooms it imports, flagging any
// import that runs back up (or sideways to a peer), reaches past a room's index.ts, or comes from a file in no room.
// The order is the one the lint enforces (scripts/layering/layers.mjs); ARCHITECTURE.md quotes this output.
// Usage: node scripts/coreImports.mjs   (exits 1 when anything is flagged)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {
  CORE_FOLDER,
  CORE_ROOM_ORDER,
  CORE_ROOT,
  CORE_ROOT_FILES,
  CORE_ROOT_LEVEL,
  DECLARED_IN,
  REPO_ROOT,
  classifyCoreImport,
  coreRoomOf,
  isRelative,
  modulePath,
  repoPath,
  resolveRelative,
} from './layering/layers.mjs';

const CORE_DIR = path.join(REPO_ROOT, CORE_FOLDER);

/** @type {Map<string, Set<string>>} room → the rooms it imports */
const imports = new Map();
/** @type {string[]} one line per flagged import or file */
const problems = [];

const sourceFiles = readdirSync(CORE_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.(ts|tsx|mts)$/.test(file) && !file.endsWith('.d.ts'))
  .map((file) => path.join(CORE_DIR, file))
  .sort();

for (const file of sourceFiles) {
  const importer = coreRoomOf(modulePath(file));
  if (!importer) {
    problems.push(`in no room:     ${repoPath(file)} (place it in a room, or add its folder to ${DECLARED_IN})`);
    continue;
  }
  const rooms = imports.get(importer.room) ?? new Set();
  imports.set(importer.room, rooms);
  // Every import, export-from, dynamic import and import type: a type import couples rooms as much as a value one.
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  for (const { fileName: specifier } of importedFiles) {
    if (!isRelative(specifier)) continue;
    const target = resolveRelative(file, specifier);
    const verdict = classifyCoreImport(importer, target);
    if (verdict.kind === 'outside' || verdict.kind === 'sameRoom') continue;
    const where = `${repoPath(file)} imports '${specifier}'`;
    if (verdict.kind === 'noRoom') {
      problems.push(`in no room:     ${where}`);
      continue;
    }
    const { room } = verdict.targetRoom;
    rooms.add(room);
    if (verdict.kind === 'above') problems.push(`runs back up:   ${where}: ${room} is above ${importer.room}`);
    else if (verdict.kind === 'beside')
      problems.push(`between peers:  ${where}: ${room} and ${importer.room} are on one line`);
    else if (verdict.kind === 'pastIndex') problems.push(`past the index: ${where}: not through ${room}/index.ts`);
  }
}

/** Top to bottom: the root files' room, then each line of the order. */
const levels = [
  { level: CORE_ROOT_LEVEL, rooms: [CORE_ROOT] },
  ...CORE_ROOM_ORDER.map((rooms, level) => ({ level, rooms })).reverse(),
];
const nameWidth = Math.max(...levels.flatMap(({ rooms }) => rooms.map((room) => room.length)));

console.log("main/core's rooms, top to bottom, and the rooms each imports.");
console.log('A room may import only rooms on a lower line, and those only through their index.ts.');
console.log(`${CORE_ROOT} is ${CORE_ROOT_FILES.map((file) => `${file}.ts`).join(', ')}.`);
console.log('');
for (const { level, rooms } of levels) {
  for (const room of rooms) {
    const imported = imports.get(room);
    const list = imported === undefined ? '(no such folder yet)' : [...imported].sort().join(', ') || '(none)';
    console.log(`${String(level).padStart(2)}  ${room.padEnd(nameWidth)}  → ${list}`);
  }
}
console.log('');
if (problems.length === 0) {
  console.log("No import runs back up; every import between rooms goes through the room's index.ts.");
} else {
  console.log(`${problems.length} break(s) of the order:`);
  for (const problem of problems) console.log(`  ${problem}`);
  process.exitCode = 1;
}
