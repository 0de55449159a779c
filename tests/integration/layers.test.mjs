// The layering of src/ as docs/architecture.md draws it (scripts/check_layers.mjs): the project's own tree holds to
// it, and the check finds each kind of breach in small made-up trees.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLayers } from '../../scripts/check_layers.mjs';

// A made-up checkout: `libraries` maps a folder to [links, {file: text}], `drawn` is the layers block's body.
function tree(drawn, libraries) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-layers-'));
  fs.mkdirSync(path.join(root, 'docs'));
  fs.writeFileSync(path.join(root, 'docs/architecture.md'), `# notes\n\n\`\`\`layers\n${drawn}\n\`\`\`\n`);
  for (const [folder, [links, files]] of Object.entries(libraries)) {
    const dir = path.join(root, 'src', folder);
    fs.mkdirSync(dir, { recursive: true });
    const name = `gh_${path.basename(folder)}`;
    fs.writeFileSync(path.join(dir, 'CMakeLists.txt'),
      `add_library(${name} x.cpp)\ntarget_link_libraries(${name} PUBLIC ${links.join(' ')} Boost::headers)\n`);
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  }
  return root;
}

describe('layers', () => {
  test("the project's src/ includes and links only along the arrows docs/architecture.md draws", () => {
    const { problems, folders, includes } = checkLayers();
    assert.deepEqual(problems, []);
    assert.ok(folders >= 20 && includes > 400, `${folders} folders, ${includes} includes read`);
  });

  test('a tree that holds to its drawing passes', () => {
    const root = tree('base ->\ntop -> base', {
      base: [[], { 'a.hpp': '#pragma once\n#include <string>\n#include "base/b.hpp"\n' }],
      top: [['gh_base'], { 'x.cpp': '#include "top/x.hpp"\n#include "base/a.hpp"\n' }],
    });
    assert.deepEqual(checkLayers(root).problems, []);
  });

  test('an include across an arrow not drawn is named, file and arrow', () => {
    const root = tree('base ->\ntop -> base', {
      base: [[], { 'a.cpp': '#include "top/x.hpp"\n' }],
      top: [['gh_base'], {}],
    });
    assert.deepEqual(checkLayers(root).problems, ['src/base/a.cpp includes "top/x.hpp": base -> top is not drawn']);
  });

  test('a link not drawn, and a drawn arrow not linked, are both named', () => {
    const root = tree('base ->\nmid -> base\ntop -> base', {
      base: [[], {}],
      mid: [[], {}],
      top: [['gh_base', 'gh_mid'], {}],
    });
    assert.deepEqual(checkLayers(root).problems, [
      'src/mid/CMakeLists.txt does not link gh_base, drawn as its arrow',
      'src/top/CMakeLists.txt links gh_mid, an arrow the layers block does not draw',
    ]);
  });

  test('a library not drawn, a drawn folder with no library, and a cycle are refused', () => {
    const root = tree('a -> b\nb -> a\nghost ->', {
      a: [['gh_b'], {}],
      b: [['gh_a'], {}],
      extra: [[], {}],
    });
    const { problems } = checkLayers(root);
    assert.ok(problems.includes('src/extra: a library the layers block does not draw'), problems.join('\n'));
    assert.ok(problems.includes('layers block: "ghost" is not a library folder of src/'), problems.join('\n'));
    assert.ok(problems.some((p) => /^layers block: a cycle (a -> b -> a|b -> a -> b)$/.test(p)), problems.join('\n'));
  });

  test("a nested library may include its parent's headers; the parent may not include the nested one's", () => {
    const root = tree('base ->\ndoors -> base\ndoors/inner -> doors base', {
      base: [[], {}],
      doors: [['gh_base'], { 'd.cpp': '#include "doors/inner/i.hpp"\n' }],
      'doors/inner': [['gh_doors', 'gh_base'], { 'i.cpp': '#include "doors/d.hpp"\n#include "doors/inner/i.hpp"\n' }],
    });
    assert.deepEqual(checkLayers(root).problems, ['src/doors/d.cpp includes "doors/inner/i.hpp": doors -> doors/inner is not drawn']);
  });
});
