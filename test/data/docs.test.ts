import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_HELP } from '../../scripts/demo/demo.ts';
import { headingAnchor } from '../../scripts/docs/openapi-markdown.ts';
import { HELP } from '../../server/cli/main.ts';
import { envSchema } from '../../server/env.ts';

// The docs are part of the product: every command a reader copies must exist with the
// flags shown, every link must lead somewhere, and every setting the code reads must be
// described. A renamed command, flag, script, file or heading fails here first.

const ROOT = resolve(import.meta.dirname, '../..');

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

interface Page {
  file: string;
  /** Inline code spans and the lines of shell code blocks: what a reader copies. */
  code: string[];
  /** Link targets: markdown links and images, and HTML src/href. */
  links: string[];
  anchors: Set<string>;
}

const SHELL_FENCES = new Set(['', 'sh', 'bash', 'shell', 'console']);

function readPage(file: string): Page {
  const page: Page = { file, code: [], links: [], anchors: new Set() };
  const seen = new Map<string, number>();
  let fence: { marker: string; shell: boolean } | null = null;
  for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    const fenceMatch = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence) {
      if (fenceMatch?.[1]?.startsWith(fence.marker)) fence = null;
      else if (fence.shell) page.code.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = { marker: fenceMatch[1] as string, shell: SHELL_FENCES.has(fenceMatch[2] ?? '') };
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      // GitHub numbers repeated headings: the second "Columns" is #columns-1.
      const anchor = headingAnchor(heading[1] as string);
      const count = seen.get(anchor) ?? 0;
      seen.set(anchor, count + 1);
      page.anchors.add(count === 0 ? anchor : `${anchor}-${count}`);
    }
    // A pipe inside a table cell is written \| even in code.
    const text = line.replace(/\\\|/g, '|');
    for (const span of text.matchAll(/(`+)(.+?)\1/g)) page.code.push((span[2] as string).trim());
    const prose = text.replace(/(`+)(.+?)\1/g, 'code');
    for (const link of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) page.links.push(link[1] as string);
    for (const link of prose.matchAll(/\b(?:src|href)="([^"]+)"/g)) page.links.push(link[1] as string);
  }
  return page;
}

const PAGES = markdownFiles().map(readPage);

/** One shell command out of a snippet: comments and chained commands split off. */
function commandsIn(snippet: string): string[][] {
  return snippet
    .replace(/\s#.*$/, '')
    .split(/\s(?:&&|\|\||;|\|)\s/)
    .map((command) => command.trim().split(/\s+/).filter(Boolean));
}

interface DocCommand {
  file: string;
  text: string;
  words: string[];
  flags: string[];
}

const FLAG = /(?<![\w-])--[a-z][a-z0-9-]*/g;

/** Every `thiqa <command> ...` the docs show, with the words after it. */
function thiqaCommands(): DocCommand[] {
  const found: DocCommand[] = [];
  for (const page of PAGES) {
    for (const snippet of page.code) {
      for (const tokens of commandsIn(snippet)) {
        let at = tokens.indexOf('thiqa');
        if (at < 0) continue;
        if (tokens[at + 1] === '--') at++;
        const rest = tokens.slice(at + 1);
        // A bare mention ("`thiqa` runs through tsx") or a placeholder (`thiqa <command>`).
        if (rest.length === 0 || !/^(?:[a-z]|--help$)/.test(rest[0] as string)) continue;
        const words = rest.slice(0, 2).filter((word) => /^[a-z][a-z-]*$/.test(word));
        found.push({ file: page.file, text: tokens.join(' '), words, flags: rest.join(' ').match(FLAG) ?? [] });
      }
    }
  }
  return found;
}

interface HelpEntry {
  command: string;
  subcommand: string | undefined;
  usage: string;
  text: string;
}

/** `thiqa --help` cut into one entry per usage line, each with the lines indented under it. */
function helpEntries(help: string): HelpEntry[] {
  const entries: HelpEntry[] = [];
  for (const line of help.split('\n')) {
    const usage = /^thiqa ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/.exec(line);
    if (usage) {
      entries.push({ command: usage[1] as string, subcommand: usage[2], usage: line, text: line });
    } else if (/^\s/.test(line) && entries.length > 0) {
      (entries.at(-1) as HelpEntry).text += `\n${line}`;
    } else if (line.trim() !== '') {
      entries.push({ command: '', subcommand: undefined, usage: '', text: line });
    }
  }
  return entries.filter((entry) => entry.command !== '');
}

const HELP_ENTRIES = helpEntries(HELP);

/** The help entries a documented command refers to, or why it refers to none. */
function entriesFor(command: DocCommand): HelpEntry[] | string {
  const [name, second] = command.words;
  if (name === undefined) return command.flags.every((flag) => flag === '--help') ? [] : 'not a command';
  const ofCommand = HELP_ENTRIES.filter((entry) => entry.command === name);
  if (ofCommand.length === 0) return `thiqa ${name} is not in thiqa --help`;
  const subcommands = new Set(ofCommand.map((entry) => entry.subcommand).filter(Boolean));
  if (subcommands.size === 0) return ofCommand;
  if (second === undefined || !subcommands.has(second)) {
    return `thiqa ${name} needs one of: ${[...subcommands].join(', ')}`;
  }
  return ofCommand.filter((entry) => entry.subcommand === second);
}

function mentionsFlag(text: string, flag: string): boolean {
  return new RegExp(`(?<![\\w-])${flag}(?![a-z0-9-])`).test(text);
}

const PACKAGE_SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

/** Every `npm run <script> [-- flags]` and `npm test` the docs show. */
function npmScripts(): { file: string; text: string; script: string; flags: string[] }[] {
  const found = [];
  for (const page of PAGES) {
    for (const snippet of page.code) {
      for (const tokens of commandsIn(snippet)) {
        const at = tokens.indexOf('npm');
        if (at < 0) continue;
        let rest = tokens.slice(at + 1);
        if (rest[0] === 'test') rest = ['run', ...rest];
        if (rest[0] !== 'run') continue;
        rest = rest.slice(1);
        while (rest[0] === '-s' || rest[0] === '--silent') rest = rest.slice(1);
        const script = rest[0];
        if (script === undefined || !/^[a-z]/.test(script)) continue;
        const separator = rest.indexOf('--');
        const flags =
          separator < 0
            ? []
            : (rest
                .slice(separator + 1)
                .join(' ')
                .match(FLAG) ?? []);
        found.push({ file: page.file, text: tokens.join(' '), script, flags });
      }
    }
  }
  return found;
}

describe('commands in the docs', () => {
  const commands = thiqaCommands();

  it('finds the commands the docs show', () => {
    expect(commands.length).toBeGreaterThan(30);
    expect(commands.map((command) => command.words.join(' '))).toEqual(
      expect.arrayContaining(['keys generate', 'import', 'publish', 'check', 'serve', 'reports accept']),
    );
  });

  it('are thiqa commands with the flags thiqa --help gives them', () => {
    const wrong: string[] = [];
    for (const command of commands) {
      const entries = entriesFor(command);
      if (typeof entries === 'string') {
        wrong.push(`${command.file}: \`${command.text}\`: ${entries}`);
        continue;
      }
      const help = entries.length === 0 ? HELP : entries.map((entry) => entry.text).join('\n');
      for (const flag of command.flags) {
        if (flag !== '--help' && !mentionsFlag(help, flag)) {
          wrong.push(
            `${command.file}: \`${command.text}\`: ${flag} is not an option of thiqa ${command.words.join(' ')}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('cover every command and flag of thiqa --help', () => {
    const missing: string[] = [];
    for (const entry of HELP_ENTRIES) {
      const name = [entry.command, entry.subcommand].filter(Boolean).join(' ');
      const length = name.split(' ').length;
      const documented = commands.filter((command) => command.words.slice(0, length).join(' ') === name);
      if (documented.length === 0) missing.push(`thiqa ${name}`);
      for (const flag of entry.usage.match(FLAG) ?? []) {
        if (!documented.some((command) => command.flags.includes(flag))) missing.push(`thiqa ${name} ${flag}`);
      }
    }
    expect(missing, 'document these in docs/operating.md').toEqual([]);
  });

  it('run npm scripts that package.json has, and the demo with flags it takes', () => {
    const scripts = npmScripts();
    expect(scripts.map((entry) => entry.script)).toEqual(expect.arrayContaining(['demo', 'test']));
    const wrong: string[] = [];
    for (const { file, text, script, flags } of scripts) {
      if (!PACKAGE_SCRIPTS.includes(script)) wrong.push(`${file}: \`${text}\`: package.json has no script ${script}`);
      if (script !== 'demo') continue;
      for (const flag of flags) {
        if (!mentionsFlag(DEMO_HELP, flag)) wrong.push(`${file}: \`${text}\`: the demo takes no ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('cover every npm script a person runs', () => {
    const documented = new Set(npmScripts().map((entry) => entry.script));
    // npm runs postinstall itself.
    const missing = PACKAGE_SCRIPTS.filter((script) => script !== 'postinstall' && !documented.has(script));
    expect(missing).toEqual([]);
  });

  it('run files that exist', () => {
    const wrong: string[] = [];
    for (const page of PAGES) {
      for (const snippet of page.code) {
        for (const match of snippet.matchAll(/(?:^|\s)(?:node|tsx)\s+([\w./-]+\.(?:mjs|js|ts))(?=\s|$)/g)) {
          if (!existsSync(join(ROOT, match[1] as string))) wrong.push(`${page.file}: ${match[1]}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('test files named in the docs', () => {
  it('exist somewhere in the tree, so a reader can find the suite', () => {
    const present = new Set(sourceFiles().map((file) => basename(file)));
    const named = PAGES.flatMap((page) =>
      page.code.filter((code) => /^[\w.-]+\.test\.tsx?$/.test(code)).map((code) => ({ file: page.file, code })),
    );
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter(({ code }) => !present.has(code)).map(({ file, code }) => `${file}: ${code}`)).toEqual([]);
  });
});

describe('links in the docs', () => {
  it('lead to files and headings that exist', () => {
    const pages = new Map(PAGES.map((page) => [page.file, page]));
    const broken: string[] = [];
    let checked = 0;
    for (const page of PAGES) {
      for (const link of page.links) {
        if (/^[a-z]+:/i.test(link)) continue;
        checked++;
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? page.file : relative(ROOT, resolve(ROOT, dirname(page.file), path));
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${page.file}: ${link}: no file ${target}`);
          continue;
        }
        if (anchor === undefined || !target.endsWith('.md')) continue;
        const anchors = pages.get(target)?.anchors ?? readPage(target).anchors;
        if (!anchors.has(anchor)) broken.push(`${page.file}: ${link}: no heading #${anchor} in ${target}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(broken).toEqual([]);
  });
});

// Set by the machine, not by a Thiqa operator: the demo opens a window when there is a display.
// Set by the platform, or by WXT at build time (MANIFEST_VERSION: 2 for Firefox, 3 for Chromium).
const PLATFORM_VARIABLES = new Set(['CI', 'DISPLAY', 'WAYLAND_DISPLAY', 'MANIFEST_VERSION']);

function sourceFiles(): string[] {
  const roots = ['bin', 'entrypoints', 'scripts', 'server', 'src', 'test', 'wxt.config.ts', 'vitest.config.ts'];
  return roots.flatMap((root) =>
    root.includes('.')
      ? [root]
      : readdirSync(join(ROOT, root), { recursive: true, encoding: 'utf8' })
          .filter((name) => /\.(?:ts|tsx|mjs)$/.test(name))
          .map((name) => join(root, name)),
  );
}

describe('configuration in the docs', () => {
  it('describes every environment variable the code reads', () => {
    const read = new Set(Object.keys(envSchema.shape));
    for (const file of sourceFiles()) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      // Reads only: a test that sets a variable for a library it drives configures nothing of ours.
      for (const match of source.matchAll(/(?:process|import\.meta)\.env\.([A-Z][A-Z0-9_]*)(?![A-Z0-9_]|\s*=(?!=))/g)) {
        read.add(match[1] as string);
      }
    }
    expect(read).toContain('THIQA_BENCH_MERCHANTS');
    const documented = new Set(
      PAGES.flatMap((page) => page.code.flatMap((code) => code.match(/\b[A-Z][A-Z0-9_]+\b/g) ?? [])),
    );
    const missing = [...read].filter((name) => !PLATFORM_VARIABLES.has(name) && !documented.has(name)).sort();
    expect(missing).toEqual([]);
  });
});

/** The folders of CONTRIBUTING.md's layout, two levels deep: `server/`, `server/reports`, ... */
function layoutFolders(): Set<string> {
  const text = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');
  const block = /## Layout[\s\S]*?```text\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const folders = new Set<string>();
  let top = '';
  for (const line of block.split('\n')) {
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const names = (line.trim().split(/\s{2,}/)[0] ?? '').split(/\s+/).filter((name) => name.endsWith('/'));
    if (indent === 0 && names[0]) {
      top = names[0].slice(0, -1);
      folders.add(top);
    } else if (indent === 2) {
      for (const name of names) folders.add(`${top}/${name.slice(0, -1)}`);
    }
  }
  return folders;
}

describe('the layout in CONTRIBUTING.md', () => {
  it('has a line for every folder of the tree, two levels deep, and none that is gone', () => {
    const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(listed.status).toBe(0);
    const tree = new Set<string>();
    for (const file of listed.stdout.split('\n').filter((path) => existsSync(join(ROOT, path)))) {
      const parts = file.split('/');
      if (parts.length > 1) tree.add(parts[0] as string);
      if (parts.length > 2) tree.add(parts.slice(0, 2).join('/'));
    }
    const layout = layoutFolders();
    expect([...tree].filter((folder) => !layout.has(folder)).sort(), 'add these to the layout').toEqual([]);
    expect([...layout].filter((folder) => !tree.has(folder)).sort(), 'these are gone').toEqual([]);
  });
});
