/* Every form control has an accessible name, every image-like element a label.
   Returns the elements that have none. */
(() => {
  const missing = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) missing.push(el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll('[role=img], img')) {
    if (!el.getAttribute('aria-label') && !el.getAttribute('alt')) missing.push(el.outerHTML.slice(0, 80));
  }
  return missing;
})
