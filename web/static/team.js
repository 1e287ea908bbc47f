// team.js - the pickers of the team server's forms: an input with
// data-picker="person", "country" or "office" offers matching ids in its
// datalist as the editor types, searching people by any name or alias (the
// people API's q=, the server's own fold), countries by code or name and
// offices by id, name or country (the team server's /api/v1/offices).  Without script
// the inputs still take ids typed by hand.
"use strict";
(function () {
  let countries = null;
  let offices = null;
  function fill(list, items) {
    list.textContent = "";
    for (const it of items.slice(0, 15)) {
      const o = document.createElement("option");
      o.value = it.id;
      o.label = it.label;
      o.textContent = it.label;
      list.appendChild(o);
    }
  }
  async function people(q) {
    const r = await fetch("/api/v1/people?per_page=20&q=" + encodeURIComponent(q));
    if (!r.ok) return [];
    const d = await r.json();
    return (d.people || []).map((p) => ({ id: p.id, label: p.name + (p.aliases ? " (" + p.aliases + ")" : "") }));
  }
  async function countryList(q) {
    if (!countries) {
      const r = await fetch("/api/v1/countries");
      countries = r.ok ? (await r.json()).countries || [] : [];
    }
    const f = q.toLowerCase();
    return countries
      .filter((c) => c.code.toLowerCase().startsWith(f) || c.name.toLowerCase().includes(f))
      .map((c) => ({ id: c.code, label: c.name }));
  }
  async function officeList(q) {
    if (!offices) {
      const r = await fetch("/api/v1/offices");
      offices = r.ok ? (await r.json()).offices || [] : [];
    }
    const f = q.toLowerCase();
    return offices
      .filter((o) => o.id.toLowerCase().includes(f) || o.name.toLowerCase().includes(f) ||
        o.country.toLowerCase() === f)
      .map((o) => ({ id: o.id, label: o.name + " (" + o.country + ")" }));
  }
  const search = { person: people, country: countryList, office: officeList };
  for (const input of document.querySelectorAll("input[data-picker]")) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(async () => {
        const items = await (search[input.dataset.picker] || countryList)(q);
        if (input.value.trim() === q) fill(list, items);
      }, 150);
    });
  }
})();
