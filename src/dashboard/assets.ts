/**
 * The pages' stylesheet and their one script, served from /assets/ (the CSP allows no inline
 * script or style). The script only follows a running run: it reads the events stream and writes
 * with textContent, never innerHTML.
 */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --accept: #1a7f37; --flag: #9a6700; --reject: #cf222e; --error: #8250df; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #161b22; --line: #30363d;
  --accept: #3fb950; --flag: #d29922; --reject: #f85149; --error: #a371f7; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 2; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; white-space: nowrap; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
td code { overflow-wrap: anywhere; } .nowrap { white-space: nowrap; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .75rem; overflow-x: auto; max-height: 30rem; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; border: 1px solid currentColor; font-size: .85rem; white-space: nowrap; }
.v-accept, .s-succeeded, .s-done, .ac-verified { color: var(--accept); } .v-flag, .s-cancelled, .s-superseded, .ac-flagged { color: var(--flag); }
.v-reject, .s-failed { color: var(--reject); } .v-error { color: var(--error); } .s-running { color: var(--link); }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1rem; }
.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: .35rem; background: var(--bg); color: var(--fg); min-height: 2.5rem; }
button { cursor: pointer; background: var(--panel); } button.danger { color: var(--reject); }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; } .actions form { margin: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; } dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ol.stages { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
ol.stages li { display: grid; grid-template-columns: 6rem 6rem 6rem 1fr; gap: .5rem; align-items: center; padding: .4rem .5rem; background: var(--panel); border: 1px solid var(--line); border-radius: .35rem; }
ol.stages progress { width: 100%; }
ol.activity { font-family: ui-monospace, monospace; font-size: .85rem; max-height: 18rem; overflow-y: auto; background: var(--panel); border: 1px solid var(--line); padding: .5rem .5rem .5rem 2.5rem; }
details.test { border: 1px solid var(--line); border-radius: .35rem; margin: .5rem 0; padding: .25rem .75rem; }
details.test summary { cursor: pointer; padding: .25rem 0; overflow-wrap: anywhere; }
.pager { display: flex; gap: 1rem; margin-top: 1rem; }
.notice { border-left: 4px solid var(--flag); background: var(--panel); padding: .5rem .75rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; } main { padding: .5rem; }
  ol.stages li { grid-template-columns: 1fr 1fr; }
  table.runs thead { display: none; } table.runs tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.runs td { display: flex; justify-content: space-between; gap: 1rem; border: 0; padding: .1rem .25rem; }
  table.runs td::before { content: attr(data-label); color: var(--muted); }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .4rem; }
}
`;

export const CLIENT_SCRIPT = `'use strict';
(function () {
  function fmtMs(ms) {
    if (typeof ms !== 'number') return '';
    if (ms < 1000) return Math.round(ms) + ' ms';
    var s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    var m = Math.floor(s / 60);
    return m + ' min ' + Math.round(s % 60) + ' s';
  }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function setStatusClass(el, prefix, value) {
    if (!el) return;
    el.className = el.className.split(' ').filter(function (c) { return c.indexOf(prefix) !== 0; }).concat([prefix + value]).join(' ');
  }
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) { if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault(); });
  });
  var live = document.querySelector('[data-events]');
  if (!live || typeof window.EventSource !== 'function') return;
  var state = document.getElementById('live-state');
  var log = document.getElementById('activity');
  var source = new window.EventSource(live.getAttribute('data-events'));
  var duration = document.getElementById('run-duration');
  var ticking = window.setInterval(function () {
    var started = duration && duration.getAttribute('data-started');
    if (started) setText(duration, fmtMs(Date.now() - Date.parse(started)));
  }, 1000);
  source.addEventListener('open', function () { setText(state, 'Live: following this run.'); });
  source.addEventListener('error', function () { setText(state, 'Live updates interrupted; retrying…'); });
  source.addEventListener('snapshot', function (e) {
    var run = JSON.parse(e.data);
    var status = document.getElementById('run-status');
    setText(status, run.status);
    setStatusClass(status, 's-', run.status);
    if (duration && run.startedAt) duration.setAttribute('data-started', run.startedAt);
    var cost = document.getElementById('run-cost');
    if (cost) setText(cost, '$' + run.costUsd.toFixed(run.costUsd >= 1 ? 2 : 4));
    run.stages.forEach(function (s) {
      var row = document.querySelector('li[data-stage="' + s.name + '"]');
      if (!row) return;
      row.setAttribute('data-status', s.status);
      var st = row.querySelector('[data-field="status"]');
      setText(st, s.status);
      setStatusClass(st, 's-', s.status);
      setText(row.querySelector('[data-field="duration"]'), fmtMs(s.durationMs));
      var bar = row.querySelector('progress');
      var count = row.querySelector('[data-field="count"]');
      if (bar && s.progress && s.progress.total > 0) {
        bar.max = s.progress.total; bar.value = s.progress.done; bar.hidden = false;
        setText(count, s.progress.done + '/' + s.progress.total);
      }
      setText(row.querySelector('[data-field="detail"]'), s.error || s.note || '');
    });
  });
  source.addEventListener('log', function (e) {
    if (!log) return;
    var line = JSON.parse(e.data);
    var li = document.createElement('li');
    var time = document.createElement('time');
    time.dateTime = line.at;
    time.textContent = line.at.slice(11, 19) + ' ';
    li.appendChild(time);
    li.appendChild(document.createTextNode(line.text));
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  });
  source.addEventListener('end', function () {
    source.close();
    window.clearInterval(ticking);
    setText(state, 'The run has finished; loading its report…');
    window.setTimeout(function () { window.location.reload(); }, 300);
  });
})();
`;

/** A small mark for the browser tab (an SVG, served like the rest: no data: URL needed). */
export const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a7f37"/><path d="M4 8.5l2.5 2.5L12 5" stroke="#fff" stroke-width="2" fill="none"/></svg>';
