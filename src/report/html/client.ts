/**
 * The report page's script, inlined as text (the page loads nothing). It only enhances: the page
 * is complete without it (summary, charts, the worst findings, every check explained). With it:
 * filters (severity, check, namespace, file), search, pagination over every finding, and details
 * per finding. Plain ES2017, DOM built with textContent (no HTML from data is ever parsed).
 */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('kh-data').textContent);
  var S = D.s, SEV = ['info', 'low', 'medium', 'high', 'critical'];
  function str(i) { return i < 0 ? '' : S[i]; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  var checks = D.c.map(function (c) { return { id: c[0], title: c[1], sev: SEV[c[2]], cat: c[3], why: c[4], fix: c[5], refs: c[6] }; });
  var all = D.f.map(function (r, i) {
    var f = { i: i, check: checks[r[0]], sev: SEV[r[1]], msg: r[2], file: str(r[3]), line: r[4], col: r[5], kind: str(r[6]), ns: str(r[7]), name: str(r[8]), container: str(r[9]), path: str(r[10]), sup: r[11] >= 0 ? { by: str(r[11]), reason: r[12] } : null, detail: r[13] || [] };
    f.hay = (f.check.id + ' ' + f.check.title + ' ' + f.msg + ' ' + f.kind + ' ' + f.ns + '/' + f.name + ' ' + f.container + ' ' + f.file + ' ' + f.path).toLowerCase();
    return f;
  });
  var state = { sev: {}, check: '', ns: '', file: '', q: '' };
  SEV.forEach(function (s) { state.sev[s] = true; });
  var lists = [
    { key: 'main', items: all.filter(function (f) { return !f.sup; }), page: 0, size: D.pageSize },
    { key: 'suppressed', items: all.filter(function (f) { return f.sup; }), page: 0, size: D.pageSize }
  ];

  function matches(f) {
    if (!state.sev[f.sev]) return false;
    if (state.check && f.check.id !== state.check) return false;
    if (state.ns && (state.ns === '-' ? f.ns !== '' : f.ns !== state.ns)) return false;
    if (state.file && f.file.toLowerCase().indexOf(state.file) < 0) return false;
    if (state.q) { var words = state.q.split(/\s+/); for (var i = 0; i < words.length; i++) if (words[i] && f.hay.indexOf(words[i]) < 0) return false; }
    return true;
  }

  function location(f) {
    if (!f.file) return '';
    return f.file + ':' + f.line + ':' + f.col;
  }
  function objectText(f) { return f.kind + ' ' + (f.ns ? f.ns + '/' : '') + f.name + (f.container ? ' (' + f.container + ')' : ''); }

  function detailsRow(f, cols) {
    var tr = el('tr', 'detail'); var td = el('td'); td.colSpan = cols; tr.appendChild(td);
    var dl = el('dl');
    function item(k, v, link) { if (!v) return; dl.appendChild(el('dt', '', k)); var dd = el('dd'); if (link) { var a = el('a', '', v); a.href = link; dd.appendChild(a); } else dd.textContent = v; dl.appendChild(dd); }
    item('Location', location(f), f.file && D.repo ? D.repo.replace(/\/+$/, '') + '/' + f.file.split('/').map(encodeURIComponent).join('/') + '#L' + f.line : '');
    item('Object', objectText(f));
    item('Field', f.path);
    item('Finding', f.msg);
    f.detail.forEach(function (d) { item('Detail', d); });
    item('Why', f.check.why);
    item('Fix', f.check.fix);
    if (f.sup) item('Suppressed', 'by ' + f.sup.by + ': ' + f.sup.reason);
    if (f.check.refs.length) {
      dl.appendChild(el('dt', '', 'References'));
      var dd = el('dd'); var ul = el('ul');
      f.check.refs.forEach(function (r) { var li = el('li'); var a = el('a', '', r[0]); a.href = r[1]; a.rel = 'noreferrer'; li.appendChild(a); ul.appendChild(li); });
      dd.appendChild(ul); dl.appendChild(dd);
    }
    td.appendChild(dl);
    return tr;
  }

  function row(f, tbody) {
    var tr = el('tr', 'finding sev-' + f.sev);
    var b = el('button', 'toggle', '+'); b.type = 'button'; b.setAttribute('aria-expanded', 'false'); b.setAttribute('aria-label', 'details of ' + f.check.id + ' on ' + objectText(f));
    var t0 = el('td'); t0.appendChild(b); tr.appendChild(t0);
    var t1 = el('td'); t1.appendChild(el('span', 'badge b-' + f.sev, f.sev)); tr.appendChild(t1);
    var t2 = el('td'); var a = el('a', '', f.check.id); a.href = '#check-' + f.check.id; a.title = f.check.title; t2.appendChild(a); tr.appendChild(t2);
    tr.appendChild(el('td', '', objectText(f)));
    tr.appendChild(el('td', 'loc', location(f)));
    tr.appendChild(el('td', '', f.msg));
    var open = null;
    b.addEventListener('click', function () {
      if (open) { open.parentNode.removeChild(open); open = null; b.textContent = '+'; b.setAttribute('aria-expanded', 'false'); return; }
      open = detailsRow(f, 6); tr.parentNode.insertBefore(open, tr.nextSibling); b.textContent = '−'; b.setAttribute('aria-expanded', 'true');
    });
    tbody.appendChild(tr);
  }

  function render(list) {
    var root = document.getElementById('list-' + list.key); if (!root) return;
    var shown = list.items.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / list.size));
    if (list.page >= pages) list.page = pages - 1;
    var tbody = root.querySelector('tbody');
    tbody.textContent = '';
    shown.slice(list.page * list.size, (list.page + 1) * list.size).forEach(function (f) { row(f, tbody); });
    if (!shown.length) { var tr = el('tr'); var td = el('td', 'empty', 'No finding matches the filters.'); td.colSpan = 6; tr.appendChild(td); tbody.appendChild(tr); }
    root.querySelector('.count').textContent = shown.length + ' of ' + list.items.length + ' finding' + (list.items.length === 1 ? '' : 's') + ' match' + (shown.length === 1 ? 'es' : '');
    root.querySelector('.page').textContent = 'page ' + (list.page + 1) + ' of ' + pages;
    root.querySelector('.prev').disabled = list.page === 0;
    root.querySelector('.next').disabled = list.page >= pages - 1;
  }
  function renderAll() { lists.forEach(render); }

  lists.forEach(function (list) {
    var root = document.getElementById('list-' + list.key); if (!root) return;
    root.querySelector('.prev').addEventListener('click', function () { list.page--; render(list); });
    root.querySelector('.next').addEventListener('click', function () { list.page++; render(list); });
    var note = root.querySelector('.static-note'); if (note) note.hidden = true;
    root.querySelector('.pager').hidden = false;
  });

  var form = document.getElementById('filters');
  form.hidden = false;
  function fill(select, values) { values.forEach(function (v) { var o = el('option', '', v[1]); o.value = v[0]; select.appendChild(o); }); }
  var counts = {}; all.forEach(function (f) { counts[f.check.id] = (counts[f.check.id] || 0) + 1; });
  fill(document.getElementById('f-check'), checks.filter(function (c) { return counts[c.id]; }).map(function (c) { return [c.id, c.id + ' (' + counts[c.id] + ')']; }));
  var nss = {}; all.forEach(function (f) { nss[f.ns] = (nss[f.ns] || 0) + 1; });
  fill(document.getElementById('f-ns'), Object.keys(nss).sort().map(function (n) { return [n || '-', (n || '(no namespace)') + ' (' + nss[n] + ')']; }));
  var files = {}; all.forEach(function (f) { if (f.file) files[f.file] = 1; });
  var dl = document.getElementById('f-files'); Object.keys(files).sort().slice(0, 5000).forEach(function (p) { var o = el('option'); o.value = p; dl.appendChild(o); });
  function update() {
    SEV.forEach(function (s) { state.sev[s] = document.getElementById('f-sev-' + s).checked; });
    state.check = document.getElementById('f-check').value;
    state.ns = document.getElementById('f-ns').value;
    state.file = document.getElementById('f-file').value.trim().toLowerCase();
    state.q = document.getElementById('f-q').value.trim().toLowerCase();
    lists.forEach(function (l) { l.page = 0; });
    renderAll();
  }
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', function (e) { e.preventDefault(); update(); });
  document.getElementById('f-reset').addEventListener('click', function () { form.reset(); update(); });
  renderAll();
  document.documentElement.setAttribute('data-ready', 'true');
})();`;
