// Progressive enhancement only: every page and form works without this file.
// A "copy" button next to each code snippet (the merchant badge's HTML).
document.addEventListener('DOMContentLoaded', () => {
  for (const block of document.querySelectorAll('[data-copy-label]')) {
    const source = block.querySelector('code, textarea');
    if (!source || !navigator.clipboard) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button--secondary';
    button.textContent = block.getAttribute('data-copy-label');
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(source.textContent || source.value || '').then(() => {
        button.textContent = block.getAttribute('data-copied-label');
      });
    });
    block.append(button);
  }
});
