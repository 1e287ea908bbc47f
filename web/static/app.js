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

  // Static site: filter rows by the q parameter or the filter box.
  if (document.body.dataset.site) {
    var params = new URLSearchParams(location.search);
    var q = params.get('q') || '';
    var rows = document.querySelectorAll('tr[data-search]');
    function fold(s) {
      return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    }
    function apply(text) {
      var words = fold(text).split(' ').filter(Boolean);
      var shown = 0;
      rows.forEach(function (r) {
        var hay = ' ' + fold(r.dataset.search + ' ' + r.textContent);
        var ok = words.every(function (w) { return hay.indexOf(' ' + w) >= 0; });
        r.hidden = !ok;
        if (ok) shown++;
      });
      var total = document.getElementById('total');
      if (total) total.textContent = String(shown);
    }
    var box = document.getElementById('list-q');
    if (box && rows.length) {
      box.parentNode.parentNode.hidden = false;
      box.value = q;
      box.addEventListener('input', function () { apply(box.value); });
    }
    var pq = document.getElementById('people-q');
    if (pq) pq.value = q;
    document.querySelectorAll('input[name=q]').forEach(function (i) { if (!i.value) i.value = q; });
    if (q && rows.length) apply(q);
  }
})();
