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

// The application form (/apply): the ICE checked as it is typed, as the server checks it
// (15 digits, the whole number divisible by 97). The messages come from the page.
document.addEventListener('DOMContentLoaded', () => {
  const input = document.querySelector('input[data-ice-format]');
  if (!input || typeof BigInt !== 'function') return;
  const field = input.closest('.field');
  const message = document.createElement('span');
  message.className = 'field-error';
  message.id = 'apply-ice-live';
  message.setAttribute('aria-live', 'polite');
  message.hidden = true;
  input.before(message);
  const serverMessage = document.getElementById('apply-ice-error');
  const problem = (value, finished) => {
    const ice = value.replace(/[\s.-]/g, '');
    if (ice === '') return null;
    if (!/^\d*$/.test(ice) || ice.length > 15) return input.getAttribute('data-ice-format');
    if (ice.length < 15) return finished ? input.getAttribute('data-ice-format') : null;
    return BigInt(ice) % 97n === 0n ? null : input.getAttribute('data-ice-check-digits');
  };
  const show = (finished) => {
    const text = problem(input.value, finished);
    // The server's message stays until the applicant changes the field.
    if (serverMessage && !finished) serverMessage.hidden = true;
    message.hidden = text === null;
    message.textContent = text || '';
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== message.id);
    if (text) described.push(message.id);
    input.setAttribute('aria-describedby', described.join(' '));
    field?.classList.toggle('field--error', Boolean(text) || Boolean(serverMessage && !serverMessage.hidden));
  };
  input.addEventListener('input', () => show(false));
  input.addEventListener('blur', () => show(true));
});
