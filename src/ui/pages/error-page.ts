// The page shown for a request the UI cannot answer: what went wrong, and what to do.
import { html } from '../../report/html.js';
import { page } from './layout.js';

export function errorPage(
  storePath: string,
  status: number,
  title: string,
  message: string,
  hint?: string,
): string {
  return page(
    { title, storePath },
    html`<div class="error" id="error" data-status="${status}"><h1>${title}</h1><p>${message}</p>
${hint ? html`<p>${hint}</p>` : ''}<p><a href="/">back to the runs</a></p></div>`,
  );
}
