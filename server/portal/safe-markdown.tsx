/** @jsxImportSource hono/jsx */
import {
  type Block,
  type Inline,
  parseSafeMarkdown,
  safeLinkTarget,
  splitAddresses,
  THIS_SITE,
} from '../../src/directory/safe-markdown.ts';
import { portalHref } from './portal-layout.tsx';
import type { PortalLanguage } from './portal-words.ts';

// The publisher's texts as HTML: the blocks of the closed Markdown subset parsed in
// src/directory/safe-markdown.ts (shared with the extension's bundled help), escaped by
// JSX on the way out.

export { type Block, type Inline, parseSafeMarkdown, safeLinkTarget };

/**
 * Text with each address isolated left to right: in an Arabic sentence a bare
 * `e-blagh.dgsn.ma` would otherwise be reordered around its hyphen and dots.
 */
function TextView(props: { text: string }) {
  return (
    <>{splitAddresses(props.text).map((part) => (part.address ? <AddressView address={part.text} /> : part.text))}</>
  );
}

function AddressView(props: { address: string }) {
  return <bdi dir="ltr">{props.address}</bdi>;
}

function InlineView(props: { nodes: Inline[]; lang: PortalLanguage }) {
  const { nodes, lang } = props;
  return (
    <>
      {nodes.map((node) => {
        if (node.kind === 'text') return <TextView text={node.text} />;
        if (node.kind === 'strong') {
          return (
            <strong>
              <InlineView nodes={node.content} lang={lang} />
            </strong>
          );
        }
        return (
          <a href={node.internal ? withLanguage(node.href, lang) : node.href}>
            <InlineView nodes={node.content} lang={lang} />
          </a>
        );
      })}
    </>
  );
}

/** A path of this site keeps the page's language, like every other portal link. */
function withLanguage(href: string, lang: PortalLanguage): string {
  const url = new URL(href, THIS_SITE);
  if (url.searchParams.has('lang')) return href;
  return `${portalHref(lang, url.pathname, Object.fromEntries(url.searchParams))}${url.hash}`;
}

/** The blocks as HTML, inside the portal's prose column. */
export function SafeMarkdown(props: { blocks: Block[]; lang: PortalLanguage }) {
  const { blocks, lang } = props;
  return (
    <div class="prose">
      {blocks.map((block) => {
        if (block.kind === 'heading') {
          const content = <InlineView nodes={block.content} lang={lang} />;
          return block.level === 2 ? <h2>{content}</h2> : <h3>{content}</h3>;
        }
        if (block.kind === 'paragraph') {
          return (
            <p>
              <InlineView nodes={block.content} lang={lang} />
            </p>
          );
        }
        const items = block.items.map((item) => (
          <li>
            <InlineView nodes={item} lang={lang} />
          </li>
        ));
        return block.ordered ? <ol start={block.start === 1 ? undefined : block.start}>{items}</ol> : <ul>{items}</ul>;
      })}
    </div>
  );
}
