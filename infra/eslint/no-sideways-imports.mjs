import path from 'node:path';

// Folders inside services/<name>/src that any folder may import from.
const SHARED_FOLDERS = new Set(['domain', 'shared']);
// What these folders may import besides their own files: domain code stays pure, shared code serves use cases.
const RESTRICTED_SOURCES = { domain: new Set(['domain']), shared: new Set(['domain', 'shared']) };
// graphql/ merges the resolver parts of every use case, like the service's root files do.
const COMPOSING_FOLDERS = new Set(['graphql']);
// The types GraphQL Code Generator writes from the service's schema: every resolver part types itself with them.
const GENERATED_SCHEMA_TYPES = path.join('graphql', 'schema.types');
const SERVICE_SRC = /^(.*[\\/]services[\\/][^\\/]+[\\/]src)[\\/]/;

/** The first folder under the service's src/ that a path lies in, or null for root files and paths outside src/. */
function topFolder(srcDir, file) {
  const parts = path.relative(srcDir, file).split(path.sep);
  if (parts[0] === '..' || parts.length < 2) return null;
  return parts[0];
}

/**
 * A use-case folder of a service imports domain/, shared/, its own subfolders, libs and packages, never a
 * sibling use-case folder: what two use cases both need belongs in shared/. The service's root files, its
 * *.module.ts files (Nest wiring) and graphql/ compose use cases and may import any of them.
 */
export const noSidewaysImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports between sibling use-case folders of a service' },
    messages: {
      sideways: "'{{from}}/' may not import from the sibling folder '{{to}}/'; move what both need to shared/ (or domain/).",
      restricted: "'{{from}}/' may import only from {{allowed}}, not from '{{to}}/'.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const match = SERVICE_SRC.exec(file);
    if (!match || file.endsWith('.module.ts')) return {};
    const srcDir = match[1];
    const from = topFolder(srcDir, file);
    if (from === null || COMPOSING_FOLDERS.has(from)) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      if (path.relative(srcDir, target) === GENERATED_SCHEMA_TYPES) return;
      const to = topFolder(srcDir, target);
      if (to === null || to === from) return;
      const restricted = RESTRICTED_SOURCES[from];
      if (restricted) {
        if (!restricted.has(to)) {
          const allowed = [...restricted].map((f) => `'${f}/'`).join(' and ');
          context.report({ node: node.source, messageId: 'restricted', data: { from, to, allowed } });
        }
      } else if (!SHARED_FOLDERS.has(to)) {
        context.report({ node: node.source, messageId: 'sideways', data: { from, to } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
