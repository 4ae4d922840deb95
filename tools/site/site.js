// The site's one script: the contents behind the Menu button on a phone, and search over
// window.SITE_INDEX (assets/search-index.js: [language, page, page title, heading, anchor, text]
// for every section of every page), offline, from file:// as from a server.
"use strict";

(function () {
  const root = document.body.dataset.root;
  const pageLang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";

  // ---- the contents on a phone ----
  const menu = document.querySelector(".menu");
  menu.addEventListener("click", () => {
    const open = document.body.classList.toggle("toc-open");
    menu.setAttribute("aria-expanded", String(open));
  });
  document.addEventListener("click", (e) => {
    if (document.body.classList.contains("toc-open") && !e.target.closest("#toc, .menu")) {
      document.body.classList.remove("toc-open");
      menu.setAttribute("aria-expanded", "false");
    }
  });

  // ---- search ----
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  const entries = (window.SITE_INDEX || []).map((e) => ({
    lang: e[0], page: e[1], title: e[2], heading: e[3], anchor: e[4], text: e[5],
    title_lc: e[2].toLowerCase(), heading_lc: e[3].toLowerCase(), text_lc: e[5].toLowerCase(),
  }));

  // Words split at spaces; Chinese has none, so a Chinese query is matched as written.
  const termsOf = (query) => query.toLowerCase().split(/\s+/).filter((t) => t.length > 0);

  // A section matches when it holds every term; headings and titles count most, then how often
  // the terms appear; the reader's own language first.
  function search(query) {
    const terms = termsOf(query);
    if (terms.length === 0) return [];
    const hits = [];
    for (const e of entries) {
      let score = 0;
      let all = true;
      for (const t of terms) {
        const inTitle = e.title_lc.includes(t);
        const inHeading = e.heading_lc.includes(t);
        let count = 0;
        for (let at = e.text_lc.indexOf(t); at >= 0 && count < 20; at = e.text_lc.indexOf(t, at + t.length)) count++;
        if (!inTitle && !inHeading && count === 0) { all = false; break; }
        score += (inTitle ? 8 : 0) + (inHeading ? 12 : 0) + Math.min(count, 10);
      }
      if (!all) continue;
      if (e.lang === pageLang) score += 1000;
      hits.push({ e, score });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, 30).map((h) => h.e);
  }

  const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

  // Some words of the text around the first term, the terms marked.
  function snippet(e, terms) {
    const at = Math.max(0, e.text_lc.indexOf(terms[0]));
    const start = Math.max(0, at - 50);
    let text = (start > 0 ? "…" : "") + e.text.slice(start, start + 160) + (start + 160 < e.text.length ? "…" : "");
    text = escape(text);
    for (const t of terms) {
      const re = new RegExp("(" + escape(t).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "gi");
      text = text.replace(re, "<mark>$1</mark>");
    }
    return text;
  }

  function show() {
    const query = input.value.trim();
    if (query === "") { list.hidden = true; list.innerHTML = ""; return; }
    const terms = termsOf(query);
    const hits = search(query);
    if (hits.length === 0) {
      list.innerHTML = '<li class="none">' + escape(input.dataset.none) + "</li>";
    } else {
      list.innerHTML = hits.map((e, k) => {
        const href = root + e.page + (e.anchor ? "#" + encodeURIComponent(e.anchor) : "");
        const where = e.heading ? e.title + " › " + e.heading : e.title;
        const lang = e.lang === "zh" ? ' lang="zh-CN"' : ' lang="en"';
        return "<li" + (k === 0 ? ' class="first"' : "") + lang + '><a href="' + escape(href) + '">' +
          '<span class="where">' + escape(where) + (e.lang !== pageLang ? " · " + (e.lang === "zh" ? "中文" : "English") : "") +
          '</span><span class="snippet">' + snippet(e, terms) + "</span></a></li>";
      }).join("");
    }
    list.hidden = false;
  }

  input.addEventListener("input", show);
  input.addEventListener("focus", show);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      const first = list.querySelector("a");
      if (first) location.href = first.getAttribute("href");
    } else if (e.key === "Escape") {
      input.value = "";
      show();
      input.blur();
    }
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".search")) list.hidden = true;
  });
  // "/" puts the cursor in the search box, as on many documentation sites.
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== input) {
      e.preventDefault();
      input.focus();
    }
  });
})();
