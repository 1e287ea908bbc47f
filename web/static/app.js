// parley: a little progressive enhancement. Pages work without it.
// Tooltips for chart marks and bars (from their <title>), and on the
// static site a client-side filter of lists by ?q= (the server filters
// on its own).
(function () {
  'use strict';
  var tip = null;
  function showTip(ev, text) {
    if (!tip) {
      tip = document.createElement('div');
      tip.className = 'tip';
      tip.setAttribute('role', 'tooltip');
      document.body.appendChild(tip);
    }
    tip.textContent = text;
    tip.style.left = (ev.pageX + 12) + 'px';
    tip.style.top = (ev.pageY + 12) + 'px';
    tip.hidden = false;
  }
  function hideTip() { if (tip) tip.hidden = true; }
  document.querySelectorAll('svg.chart g.yr, svg.chart circle.mark').forEach(function (el) {
    var t = el.querySelector('title');
    if (!t) return;
    var text = t.textContent;
    el.addEventListener('mousemove', function (ev) { showTip(ev, text); });
    el.addEventListener('mouseleave', hideTip);
  });

  // Static site: a static host cannot read query strings, so the visit
  // lists carry every row with data-* attributes and this script filters
  // (?year= ?direction= ?level= ?type= ?status= ?person= ?visitor= ?q=),
  // sorts (?sort=date|-date|level|visitor) and pages (?page=, 50 a page)
  // them in place.  The state lives in the URL, so links work from any
  // host and from file://; without JavaScript every row stays listed.
  if (document.body.dataset.site) {
    var params = new URLSearchParams(location.search);
    var q = params.get('q') || '';
    var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-search]'));
    var PER_PAGE = Math.min(1000, Math.max(1, parseInt(params.get('per_page'), 10) || 50));
    var DIMS = ['year', 'direction', 'level', 'type', 'status'];
    var state = {};
    DIMS.concat(['person', 'visitor', 'sort', 'page', 'between', 'country', 'from', 'to', 'min_level',
      'per_page']).forEach(function (k) {
      var v = params.get(k);
      if (v) state[k] = v;
    });
    state.q = q;
    // The one fold of src/lib/fold.c: decompose (NFKD), strip marks,
    // case-fold, a few stroked letters by hand, anything but letters and
    // digits a word break, recompose (NFC).  data-search holds the store's
    // folded text, so a search matches here exactly as on the server: the
    // folded words as a phrase, the last one a prefix.
    var STROKE = { '\u0142': 'l', '\u0111': 'd', '\u00f8': 'o', '\u0127': 'h', '\u0131': 'i', '\u0167': 't' };
    function fold(s) {
      return s.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().toLowerCase()
        .replace(/[\u0142\u0111\u00f8\u0127\u0131\u0167]/g, function (c) { return STROKE[c]; })
        .replace(/[^\p{L}\p{N}]+/gu, ' ').normalize('NFC').trim();
    }
    // Ranks of parley_level_rank (src/lib/level.c).
    var RANK = { paramount_leader: 7, head_of_state: 6, head_of_government: 5, deputy: 4, other_senior: 3,
      ministerial: 2, vice_ministerial: 1, at_least_ministerial: 2, unknown: 0 };
    // The days a date may stand for (docs/queries.md): 1964-11 is
    // 1964-11-01..1964-11-30.
    function firstDay(d) { return d.length === 4 ? d + '-01-01' : d.length === 7 ? d + '-01' : d; }
    function dateKey(d) { d = d || ''; return firstDay(d) + (d.length === 10 ? '0' : d.length === 7 ? '1' : '2'); }
    function lastDay(d) {
      if (d.length === 4) return d + '-12-31';
      if (d.length === 7) {
        var n = new Date(Date.UTC(+d.slice(0, 4), +d.slice(5, 7), 0)).getUTCDate();
        return d + '-' + String(n);
      }
      return d;
    }
    function inList(list, v) { return list.split(',').indexOf(v) >= 0; }
    // Does row r pass the filter st, leaving out dimension skip?
    function passes(r, st, skip) {
      for (var i = 0; i < DIMS.length; i++) {
        var d = DIMS[i];
        if (d !== skip && st[d] && !inList(st[d], r.dataset[d] || '')) return false;
      }
      var people = ' ' + (r.dataset.people || '') + ' ';
      if (st.person && people.indexOf(' ' + st.person + ' ') < 0) return false;
      if (st.visitor && !inList(st.visitor, r.dataset.visitor || '')) return false;
      var dir = r.dataset.direction || '';
      if (st.between) {
        var ab = st.between.split(/[:-]/);
        if (dir !== ab[0] + ':' + ab[1] && dir !== ab[1] + ':' + ab[0]) return false;
      }
      if (st.country && dir.split(':').indexOf(st.country) < 0) return false;
      var date = r.dataset.date || '';
      if (st.from && lastDay(date) < firstDay(st.from)) return false;
      if (st.to && firstDay(date) > lastDay(st.to)) return false;
      if (st.min_level && RANK[st.min_level] > 0 && +r.dataset.rank < RANK[st.min_level]) return false;
      if (st.q) {
        var words = fold(st.q);
        if (words && (' ' + (r.dataset.search || '')).indexOf(' ' + words) < 0) return false;
      }
      return true;
    }
    // What a chip shows for filter k=v: each comma-separated value as the
    // facet link's text ("China to North Korea"), else for codes the same
    // label as the server's pl_code_label ("paramount_leader" ->
    // "Paramount leader"), joined by "or".  The URL keeps the codes.
    function codeLabel(c) {
      var s = c.replace(/_/g, ' ');
      return s.charAt(0) >= 'a' && s.charAt(0) <= 'z' ? s.charAt(0).toUpperCase() + s.slice(1) : s;
    }
    function label(k, v) {
      if (k === 'q') return '"' + v + '"';
      return v.split(',').map(function (c) {
        var a = Array.prototype.find.call(document.querySelectorAll('a[data-facet]'), function (x) {
          return x.dataset.facet === k && x.dataset.value === c;
        });
        if (a) return a.textContent;
        return ['level', 'type', 'status'].indexOf(k) >= 0 ? codeLabel(c) : c;
      }).join(' or ');
    }
    function query(st) {
      var p = new URLSearchParams();
      Object.keys(st).forEach(function (k) { if (st[k]) p.set(k, st[k]); });
      var s = p.toString();
      return s ? '?' + s : location.pathname.split('/').pop();
    }
    function with1(k, v) {
      var st = Object.assign({}, state);
      st[k] = v;
      delete st.page;
      return st;
    }
    var cmp = {
      // the order of parley.h: first possible day, the finer date first on a tie
      'date': function (a, b) { var x = dateKey(a.dataset.date), y = dateKey(b.dataset.date); return x < y ? -1 : x > y ? 1 : 0; },
      'level': function (a, b) { return (b.dataset.rank - a.dataset.rank) || cmp.date(a, b); },
      'visitor': function (a, b) {
        var x = a.cells[1].textContent.toLowerCase(), y = b.cells[1].textContent.toLowerCase();
        return x < y ? -1 : x > y ? 1 : cmp.date(a, b);
      }
    };
    cmp['-date'] = function (a, b) { return -cmp.date(a, b); };
    function apply() {
      var sort = cmp[state.sort] ? state.sort : 'date';
      var order = rows.slice().sort(function (a, b) { return cmp[sort](a, b) || (rows.indexOf(a) - rows.indexOf(b)); });
      var tbody = rows.length ? rows[0].parentNode : null;
      order.forEach(function (r) { tbody.appendChild(r); });
      var match = order.filter(function (r) { return passes(r, state, null); });
      var pages = Math.max(1, Math.ceil(match.length / PER_PAGE));
      var page = Math.min(Math.max(1, parseInt(state.page, 10) || 1), pages);
      var onPage = match.slice((page - 1) * PER_PAGE, page * PER_PAGE);
      rows.forEach(function (r) { r.hidden = true; });
      onPage.forEach(function (r) { r.hidden = false; });
      var total = document.getElementById('total');
      // A capped page (#capped) lists the first of its visits: unfiltered
      // it keeps the whole list's total, filtered it counts the listed ones
      // and says so.
      var capped = document.getElementById('capped');
      var filtering = Object.keys(state).some(function (k) { return state[k] && k !== 'sort' && k !== 'page'; });
      if (total && (!capped || filtering)) total.textContent = String(match.length);
      var note = document.getElementById('shown-note');
      var of = capped && filtering ? ' among the ' + capped.dataset.listed + ' listed here' : '';
      if (note) note.textContent = of + (pages > 1 ? ', page ' + page + ' of ' + pages : '');
      // Facets: the count each value would give, and a link that adds it.
      document.querySelectorAll('a[data-facet]').forEach(function (a) {
        var d = a.dataset.facet, v = a.dataset.value;
        var st = with1(d, v);
        var n = rows.filter(function (r) { return passes(r, st, null); }).length;
        var li = a.parentNode, cnt = li.querySelector('.n');
        if (cnt) cnt.textContent = String(n);
        li.hidden = n === 0;
        a.href = query(st);
        if (state[d] === v) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
      });
      // Active filters, each removable.
      var act = document.getElementById('active-filters');
      if (act) {
        act.textContent = '';
        Object.keys(state).forEach(function (k) {
          if (!state[k] || k === 'sort' || k === 'page') return;
          var a = document.createElement('a');
          a.className = 'chip';
          a.href = query(with1(k, ''));
          var shown = label(k, state[k]);
          a.textContent = k + ': ' + shown + ' ✕';
          a.setAttribute('aria-label', 'Remove filter ' + k + ' ' + shown);
          act.appendChild(a);
          act.appendChild(document.createTextNode(' '));
        });
        act.hidden = !act.firstChild;
      }
      document.querySelectorAll('#site-sort a[data-sort]').forEach(function (a) {
        var st = Object.assign({}, state, { sort: a.dataset.sort });
        delete st.page;
        a.href = query(st);
        if (a.dataset.sort === sort) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
      });
      var pager = document.querySelector('nav.pager');
      if (pager) {
        pager.textContent = '';
        [['prev', page - 1, '← Previous'], ['next', page + 1, 'Next →']].forEach(function (p) {
          if (p[1] < 1 || p[1] > pages) { pager.appendChild(document.createElement('span')); return; }
          var a = document.createElement('a');
          a.rel = p[0];
          a.href = query(Object.assign({}, state, { page: String(p[1]) }));
          a.textContent = p[2];
          pager.appendChild(a);
        });
      }
    }
    var box = document.getElementById('list-q');
    if (box && rows.length) {
      box.parentNode.parentNode.hidden = false;
      box.value = q;
      box.addEventListener('input', function () { state.q = box.value; delete state.page; apply(); });
    }
    var sortp = document.getElementById('site-sort');
    if (sortp && rows.length) sortp.hidden = false;
    var pq = document.getElementById('people-q');
    if (pq) pq.value = q;
    document.querySelectorAll('input[name=q]').forEach(function (i) { if (!i.value) i.value = q; });
    // the static search page: its link to the visit list carries the words
    var sv = document.getElementById('search-visits');
    if (sv && q) sv.setAttribute('href', sv.getAttribute('href') + '?q=' + encodeURIComponent(q));
    if (rows.length && rows[0].dataset.date) apply();
    else if (q) rows.forEach(function (r) { r.hidden = !passes(r, { q: q }, null); }); // people list
  }
})();

// Team server: a logged-in user (the server set the parley_user cookie at
// login; public visitors have none, so their pages fetch nothing more)
// gets a link to their own page in the header and, on a visit's page, the
// History link, an Edit link when their role may edit, and a note when a
// change of theirs to this visit is waiting for review.  The pages stay
// the public's: this is all done here, from the team API.
(function () {
  'use strict';
  var m = /(?:^|;\s*)parley_user=([^;]+)/.exec(document.cookie);
  if (!m || document.body.dataset.site) return;
  var user = decodeURIComponent(m[1]);
  var nav = document.querySelector('header.top nav');
  if (nav) {
    var me = document.createElement('a');
    me.href = '/user/' + encodeURIComponent(user);
    me.id = 'my-changes';
    me.textContent = 'Your changes (' + user + ')';
    nav.appendChild(me);
  }
  var vm = /^\/visit\/([^/]+)$/.exec(location.pathname);
  if (!vm) return;
  var id = decodeURIComponent(vm[1]);
  fetch('/api/v1/visits/' + encodeURIComponent(id) + '/pending', { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (d) {
      if (!d) return;
      var h1 = document.querySelector('main h1');
      if (!h1) return;
      var bar = document.createElement('p');
      bar.id = 'team-bar';
      function link(href, text, lid) {
        var a = document.createElement('a');
        a.href = href;
        a.id = lid;
        a.textContent = text;
        if (bar.childNodes.length) bar.appendChild(document.createTextNode(' · '));
        bar.appendChild(a);
      }
      var base = '/visit/' + encodeURIComponent(id);
      if (d.can_edit) link(base + '/edit', 'Edit this visit', 'edit-link');
      link(base + '/history', 'History', 'history-link');
      h1.parentNode.insertBefore(bar, h1.nextSibling);
      if (!d.pending.length) return;
      var note = document.createElement('p');
      note.id = 'your-pending';
      note.className = 'pending';
      note.setAttribute('role', 'status');
      var mine = d.pending.filter(function (c) { return c.author === 'web:' + d.user; });
      note.textContent = (mine.length
        ? 'Your change' + (mine.length > 1 ? 's ' : ' ') + mine.map(function (c) { return '#' + c.id; }).join(', ') +
          (mine.length > 1 ? ' are' : ' is') + ' pending review: this page shows the published version.'
        : '') + (d.pending.length > mine.length
        ? ' ' + (d.pending.length - mine.length) + ' change(s) by others wait in the review queue.' : '');
      bar.parentNode.insertBefore(note, bar.nextSibling);
    });
})();
