// The layering check of `make test`: the folders of src/ and the arrows between them are drawn once, in the
// `layers` block of docs/architecture.md, and this script holds the code to that drawing.
//   - every folder with a library (src/<folder>/CMakeLists.txt) is drawn, and nothing else is;
//   - each library links exactly the Gatehouse libraries its arrows name (external ones are its own business);
//   - each source file includes only its own folder's headers and those of the folders its arrows name
//     (CMake's PUBLIC links are transitive, so without this a folder could include what it never linked);
//   - the arrows have no cycle.
// Prints one line per problem and exits 1, or prints a summary and exits 0.
import fs from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Include roots that are not folders of src/: headers generated from our .proto files inside doors/envoy_grpc.
const generated = new Set(['envoy', 'google']);

function drawnLayers(root) {
  const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
  const block = /```layers\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/architecture.md has no ```layers block');
  const layers = new Map();
  for (const raw of block[1].split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^([a-z_/]+)\s*->\s*(.*)$/.exec(line);
    if (!m) throw new Error(`docs/architecture.md layers: cannot read "${raw}"`);
    layers.set(m[1], m[2].split(/\s+/).filter(Boolean));
  }
  return layers;
}

// src/<folder>/CMakeLists.txt files, keyed by folder ("doors/envoy_grpc" for a nested one).
function libraryFolders(src) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const full = path.join(dir, e.name);
      if (fs.existsSync(path.join(full, 'CMakeLists.txt'))) out.push(path.relative(src, full));
      walk(full);
    }
  };
  walk(src);
  return out;
}

const targetOf = (folder) => `gh_${path.basename(folder)}`;

// The gh_* libraries a folder's own target links (the target named after the folder).
function linkedLibraries(src, folder, folders) {
  const cmake = fs.readFileSync(path.join(src, folder, 'CMakeLists.txt'), 'utf8');
  const byTarget = new Map(folders.map((f) => [targetOf(f), f]));
  const linked = new Set();
  const re = new RegExp(`target_link_libraries\\(\\s*${targetOf(folder)}\\s([^)]*)\\)`, 'g');
  for (const m of cmake.matchAll(re))
    for (const word of m[1].split(/\s+/)) if (byTarget.has(word)) linked.add(byTarget.get(word));
  return linked;
}

// The source files that belong to a folder (not to a nested folder with its own library).
function sourcesOf(src, folder, folders) {
  const nested = folders.filter((f) => f !== folder && f.startsWith(`${folder}/`));
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      const rel = path.relative(src, full);
      if (e.isDirectory()) {
        if (!nested.includes(rel)) walk(full);
      } else if (/\.(cpp|hpp|h)$/.test(e.name)) {
        out.push(full);
      }
    }
  };
  walk(path.join(src, folder));
  return out;
}

function findCycle(layers) {
  const state = new Map();
  const visit = (node, trail) => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, 'open');
    for (const next of layers.get(node) ?? []) {
      const cycle = visit(next, [...trail, node]);
      if (cycle) return cycle;
    }
    state.set(node, 'done');
    return null;
  };
  for (const node of layers.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return null;
}

// `root`: a checkout (the project's own by default; the test gives it small made-up trees).
export function checkLayers(root = projectRoot) {
  const src = path.join(root, 'src');
  const problems = [];
  const layers = drawnLayers(root);
  const folders = libraryFolders(src);
  for (const f of folders) if (!layers.has(f)) problems.push(`src/${f}: a library the layers block does not draw`);
  for (const f of layers.keys()) if (!folders.includes(f)) problems.push(`layers block: "${f}" is not a library folder of src/`);
  let includes = 0;
  for (const folder of folders.filter((f) => layers.has(f))) {
    const drawn = new Set(layers.get(folder));
    const linked = linkedLibraries(src, folder, folders);
    for (const l of linked) if (!drawn.has(l)) problems.push(`src/${folder}/CMakeLists.txt links ${targetOf(l)}, an arrow the layers block does not draw`);
    for (const d of drawn) if (!linked.has(d)) problems.push(`src/${folder}/CMakeLists.txt does not link ${targetOf(d)}, drawn as its arrow`);
    // A nested folder may include its parent's headers (it is part of it); its parent may not include it back.
    const own = new Set([folder, folder.split('/')[0]]);
    for (const file of sourcesOf(src, folder, folders)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^#include "([^"]+)"/gm)) {
        includes++;
        const target = m[1];
        const top = target.split('/')[0];
        if (!target.includes('/') || generated.has(top)) continue;
        const nested = folders.find((f) => f.includes('/') && target.startsWith(`${f}/`));
        const layer = nested ?? top;
        if (own.has(layer) && !(nested && nested !== folder)) continue;
        if (!drawn.has(layer)) problems.push(`${path.relative(root, file)} includes "${target}": ${folder} -> ${layer} is not drawn`);
      }
    }
  }
  const cycle = findCycle(layers);
  if (cycle) problems.push(`layers block: a cycle ${cycle.join(' -> ')}`);
  return { problems, folders: folders.length, includes };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { problems, folders, includes } = checkLayers();
  for (const p of problems) console.log(p);
  if (problems.length) process.exit(1);
  console.log(`layers: ${folders} libraries, ${includes} includes, every one along a drawn arrow`);
}
