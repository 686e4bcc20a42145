import { html, type Html } from './html.js';

export interface PageChrome {
  /** Where the dashboard is mounted: '' for `tfactory serve`, '/tfactory' on the App's server. */
  base: string;
  /** Who is signed in (App mode), shown with a sign-out link. */
  viewer?: { login: string };
  /** Whether sign-out is offered (a session that can end). */
  signOut?: boolean;
  csrf?: string;
}

/** The page shell: one stylesheet, one deferred script, a skip link and a landmark per region. */
export function page(title: string, chrome: PageChrome, body: Html): string {
  const b = chrome.base;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · TFactory</title>
<link rel="icon" href="${b}/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${b}/assets/dashboard.css">
<script src="${b}/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="${b}/">TFactory runs</a>
  ${chrome.viewer
    ? html`<span>Signed in as <strong>${chrome.viewer.login}</strong>${chrome.signOut && chrome.csrf
      ? html` <form class="inline" method="post" action="${b}/logout"><input type="hidden" name="csrf" value="${chrome.csrf}"><button type="submit">Sign out</button></form>`
      : ''}</span>`
    : ''}
</header>
<main id="main">
${body}
</main>
</body>
</html>
`.text;
}
