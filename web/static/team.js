// team.js - the pickers of the team server's forms: an input with
// data-picker="person" or "country" offers matching ids in its datalist as
// the editor types, searching people by any name or alias (the people API's
// q=, the server's own fold) and countries by code or name.  Without script
// the inputs still take ids typed by hand.
"use strict";
(function () {
  let countries = null;
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
    const r = await fetch("/api/v1/people?q=" + encodeURIComponent(q));
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
  for (const input of document.querySelectorAll("input[data-picker]")) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(async () => {
        const items = input.dataset.picker === "person" ? await people(q) : await countryList(q);
        if (input.value.trim() === q) fill(list, items);
      }, 150);
    });
  }
})();
