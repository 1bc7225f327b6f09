import { PORTAL_PATHS, portalAddress } from '../directory/portal-address.ts';
import { type Block, type Inline, splitAddresses } from '../directory/safe-markdown.ts';
import { bundledRightsPage } from './help-texts.ts';
import { useTranslator } from './translator-context.ts';

// The bundled rights page, opened from the popup when the shopper is offline: the
// portal's text in the shopper's language, drawn with Preact from the same blocks the
// portal draws with Hono. Links to the portal's own pages point at the portal.

function InlineView(props: { nodes: Inline[]; portalUrl: string; lang: string }) {
  const { nodes, portalUrl, lang } = props;
  return (
    <>
      {nodes.map((node) => {
        if (node.kind === 'text') {
          // An address stays left to right inside an Arabic sentence.
          return splitAddresses(node.text).map((part) => (part.address ? <bdi dir="ltr">{part.text}</bdi> : part.text));
        }
        const content = <InlineView nodes={node.content} portalUrl={portalUrl} lang={lang} />;
        if (node.kind === 'strong') return <strong>{content}</strong>;
        const href = node.internal ? portalAddress(portalUrl, node.href, lang) : node.href;
        return (
          <a href={href} target="_blank" rel="noreferrer">
            {content}
          </a>
        );
      })}
    </>
  );
}

function BlockView(props: { block: Block; portalUrl: string; lang: string }) {
  const { block, portalUrl, lang } = props;
  const inline = (nodes: Inline[]) => <InlineView nodes={nodes} portalUrl={portalUrl} lang={lang} />;
  if (block.kind === 'heading')
    return block.level === 2 ? <h2>{inline(block.content)}</h2> : <h3>{inline(block.content)}</h3>;
  if (block.kind === 'paragraph') return <p>{inline(block.content)}</p>;
  const items = block.items.map((item) => <li key={JSON.stringify(item)}>{inline(item)}</li>);
  return block.ordered ? <ol start={block.start}>{items}</ol> : <ul>{items}</ul>;
}

export function HelpView(props: { portalUrl: string }) {
  const { t, lang } = useTranslator();
  const page = bundledRightsPage(lang);
  return (
    <main class="help" lang={page.lang} dir={page.dir}>
      <p class="help__bundled">
        {t('help_bundledNotice')}{' '}
        <a href={portalAddress(props.portalUrl, PORTAL_PATHS.rights, page.lang)} target="_blank" rel="noreferrer">
          {t('help_portalLink')}
        </a>
      </p>
      <h1>{page.title}</h1>
      <p class="help__lead">{page.lead}</p>
      <p class="help__notice">{page.notice}</p>
      {page.blocks.map((block) => (
        <BlockView key={JSON.stringify(block)} block={block} portalUrl={props.portalUrl} lang={page.lang} />
      ))}
    </main>
  );
}
