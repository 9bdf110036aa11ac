// Parses every named Cypher statement under rolegraph/cypher/ with Neo4j's own front end
// (@neo4j-cypher/language-support) and exits non-zero on any error.
//
// A statement file holds blocks that start with `// name: <name>`; a block may declare the parameters it
// uses with `// params: a, b`. Declared parameters are passed to the linter, so an undeclared `$x` is an
// error and only real problems remain. Usage: node lint.mjs [ROOT ...] (default: rolegraph/cypher/).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const here = dirname(fileURLToPath(import.meta.url));
const roots = process.argv.length > 2 ? process.argv.slice(2) : [resolve(here, '..', '..', 'rolegraph', 'cypher')];

function cypherFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...cypherFiles(path));
    else if (entry.endsWith('.cypher')) out.push(path);
  }
  return out;
}

// Splits a file into blocks: {name, params, startLine, text}. Text before the first `// name:` must be
// comments only.
function splitBlocks(source) {
  const blocks = [];
  let current = null;
  source.split('\n').forEach((line, index) => {
    const name = line.match(/^\/\/\s*name:\s*(\S+)\s*$/);
    if (name) {
      current = { name: name[1], params: [], startLine: index + 1, lines: [] };
      blocks.push(current);
      return;
    }
    const params = line.match(/^\/\/\s*params:\s*(.*)$/);
    if (params && current) {
      current.params.push(...params[1].split(',').map((p) => p.trim()).filter((p) => p && p !== '-'));
    }
    if (current) current.lines.push(line);
    else if (line.trim() && !line.trim().startsWith('//')) {
      blocks.push({ name: '<before first name>', params: [], startLine: index + 1, lines: [line], orphan: true });
    }
  });
  return blocks.map((b) => ({ ...b, text: b.lines.join('\n').trimEnd().replace(/;\s*$/, '') }));
}

const labels = ['Item', 'Tag', 'UserTag', 'ItemTag', 'User', 'CoverSet', 'CoverSnapshot', 'Run', 'RunStep', 'Handbook'];
const relationshipTypes = [
  'HAS_USER_TAG', 'HAS_ITEM_TAG', 'U2I', 'I2U', 'IN_COVER', 'ALIAS_OF', 'INTERACTED', 'HAS_ROLE', 'CANDIDATE', 'QUARANTINED',
];

let errors = 0;
let statements = 0;
for (const root of roots) {
  for (const file of cypherFiles(root)) {
    const shown = relative(process.cwd(), file);
    const seen = new Set();
    for (const block of splitBlocks(readFileSync(file, 'utf8'))) {
      if (block.orphan) {
        console.log(`${shown}:${block.startLine}: statement text before the first '// name:' line`);
        errors += 1;
        continue;
      }
      if (seen.has(block.name)) {
        console.log(`${shown}:${block.startLine}: duplicate statement name '${block.name}'`);
        errors += 1;
      }
      seen.add(block.name);
      const code = block.lines.filter((l) => !l.trim().startsWith('//')).join('\n').trim();
      if (!code) {
        console.log(`${shown}:${block.startLine}: '${block.name}' has no statement`);
        errors += 1;
        continue;
      }
      statements += 1;
      const parameters = Object.fromEntries(block.params.map((p) => [p, null]));
      const { diagnostics } = lintCypherQuery(block.text, {
        parameters, labels, relationshipTypes, defaultLanguage: 'cypher 5',
      });
      for (const d of diagnostics) {
        // severity 1 = error; 2 = warning (deprecations, unknown labels). Both fail: the text must be clean.
        const line = block.startLine + 1 + d.range.start.line;
        const kind = d.severity === 1 ? 'error' : 'warning';
        console.log(`${shown}:${line}: ${kind} in '${block.name}': ${d.message}`);
        errors += 1;
      }
    }
  }
}
console.log(`cypher-lint: ${statements} statements, ${errors} problems`);
process.exit(errors === 0 && statements > 0 ? 0 : 1);
