// The graph web view of rolegraph: a hash-routed page over the JSON API (no framework).
//
// Every string from the API (tag names, rationales, titles — LLM output among them) reaches the page
// as a text node or an attribute value set through the DOM, never as HTML; the graph drawing puts labels
// on a canvas. Routes: #/search/<q>, #/tag/<key>, #/user/<id>, #/item/<id>.
(function () {
  "use strict";

  const KEY_STORE = "rolegraph.apiKey";
  const VIEW_STORE = "rolegraph.view";
  const ROLE_FANOUT = 8; // roles followed from a topic for its two-hop chains
  const CHAINS_SHOWN = 40;
  const EXPLAINED = 5; // recommendations (or candidates) whose paths are loaded
  const main = document.getElementById("main");
  let generation = 0; // bumped on every navigation; a slower, older page stops writing

  // ------------------------------------------------------------ DOM helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "data") for (const [k, v] of Object.entries(value)) node.dataset[k] = String(v);
      else if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function fmt(x) {
    return typeof x === "number" && Number.isFinite(x) ? x.toFixed(3) : "–";
  }

  function enc(s) {
    return encodeURIComponent(s);
  }

  function tagLink(key, name, kind) {
    const label = name && name !== key ? `${name} (${key})` : key;
    return el("a", { href: `#/tag/${enc(key)}`, class: `tag ${kind || ""}`, data: { key } }, label);
  }

  function badge(kind) {
    return el("span", { class: `badge ${kind}` }, kind);
  }

  function view() {
    return sessionStorage.getItem(VIEW_STORE) === "full" ? "full" : "cover";
  }

  function viewSource() {
    return view() === "full" ? "llm" : "distilled";
  }

  // ------------------------------------------------------------ the API
  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function api(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(params || {})) url.searchParams.set(k, String(v));
    const headers = { Accept: "application/json" };
    const key = sessionStorage.getItem(KEY_STORE);
    if (key) headers["X-API-Key"] = key;
    let response;
    try {
      response = await fetch(url, { headers });
    } catch (e) {
      throw new ApiError(0, "the service could not be reached");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const detail = body && typeof body.detail === "string" ? body.detail : response.statusText;
      throw new ApiError(response.status, detail || `HTTP ${response.status}`);
    }
    return body;
  }

  function errorBox(err, what) {
    const status = err instanceof ApiError ? err.status : 0;
    const lines = [`Could not load ${what}: ${err.message}`];
    if (status === 401) lines.push(" — this service needs an API key: paste one under “API key” above.");
    if (status === 403) lines.push(" — the key lacks the scope, or this service serves loopback callers only.");
    if (status === 429) lines.push(" — too many requests; wait a moment and reload.");
    return el("div", { class: "error", role: "alert", data: { status } }, lines);
  }

  function loading(text) {
    return el("p", { class: "loading" }, text);
  }

  // ------------------------------------------------------------ provenance and chains
  function provenance(edge, extra) {
    const rows = [
      ["source", viewSource() + (view() === "full" ? " (full graph G)" : " (cover set G*)")],
      ["run", edge.run],
      ["model", edge.model],
      ["prompt version", edge.prompt_version],
      ["rationale", edge.rationale],
      ...(extra || []),
    ];
    return el("dl", { class: "prov" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v ?? "–")]));
  }

  function provDetails(label, edge) {
    if (!edge) return el("p", { class: "empty" }, `${label}: edge not found in this view`);
    return el("details", { class: "prov" }, el("summary", {}, label), provenance(edge));
  }

  // one chain a → b → c: the hops with their weights, and both edges' provenance
  function chainRow(chain, kinds, value, valueLabel) {
    const [a, b, c] = chain.keys;
    const [e1, e2] = chain.edges;
    return el(
      "tr",
      {
        class: "chain",
        data: {
          a,
          b,
          c,
          w1: e1 ? e1.weight : "",
          w2: e2 ? e2.weight : "",
          value,
        },
      },
      el(
        "td",
        {},
        tagLink(a, null, kinds[0]),
        el("span", { class: "arrow" }, " → "),
        el("span", { class: "w" }, fmt(e1 && e1.weight)),
        el("span", { class: "arrow" }, " → "),
        tagLink(b, null, kinds[1]),
        el("span", { class: "arrow" }, " → "),
        el("span", { class: "w" }, fmt(e2 && e2.weight)),
        el("span", { class: "arrow" }, " → "),
        tagLink(c, null, kinds[2]),
      ),
      el("td", { class: "num", title: valueLabel }, fmt(value)),
      el("td", {}, provDetails(`${a} → ${b}`, e1), provDetails(`${b} → ${c}`, e2)),
    );
  }

  function chainTable(chains, kinds, valueLabel) {
    if (!chains.length) return el("p", { class: "empty" }, "No chains in this graph view.");
    return el(
      "table",
      { class: "chains" },
      el("thead", {}, el("tr", {}, el("th", {}, "chain (edge weights on the arrows)"),
        el("th", { class: "num" }, valueLabel), el("th", {}, "provenance"))),
      el("tbody", {}, chains.map((ch) => chainRow(ch, kinds, ch.value, valueLabel))),
    );
  }

  // logic edges out of a tag, by type, as target key → edge
  function outEdges(tag, type) {
    const out = new Map();
    for (const e of tag.out) if (e.type === type) out.set(e.key, e);
    return out;
  }

  async function fetchTags(keys) {
    const found = new Map();
    await Promise.all(
      [...new Set(keys)].map(async (k) => {
        found.set(k, await api(`/tags/${enc(k)}`, { graph: view(), limit: 500 }));
      }),
    );
    return found;
  }

  // ------------------------------------------------------------ the graph drawing
  // columns of nodes (hop 0, 1, 2) joined by weighted edges; click a node to open its tag
  function drawGraph(box, columns, edges) {
    if (typeof window.cytoscape !== "function") {
      box.replaceWith(el("p", { class: "notice" },
        "The graph drawing library is missing (run `make setup`); the chains are listed below."));
      return;
    }
    const elements = [];
    columns.forEach((nodes, col) => {
      nodes.forEach((n, row) => {
        elements.push({
          group: "nodes",
          data: { id: `${col}:${n.key}`, key: n.key, label: n.label, kind: n.kind, weight: n.weight ?? 1 },
          position: { x: col * 320, y: (row - (nodes.length - 1) / 2) * 46 },
        });
      });
    });
    edges.forEach((e, i) => {
      elements.push({
        group: "edges",
        data: { id: `e${i}`, source: `${e.from[0]}:${e.from[1]}`, target: `${e.to[0]}:${e.to[1]}`, weight: e.weight },
      });
    });
    const cy = window.cytoscape({
      container: box,
      elements,
      layout: { name: "preset", fit: true, padding: 24 },
      userZoomingEnabled: true,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "text-valign": "center",
          "text-halign": "right", "text-margin-x": 6, width: "mapData(weight, 0, 1, 10, 28)",
          height: "mapData(weight, 0, 1, 10, 28)", "background-color": "#3c7dc4" } },
        { selector: "node[kind = 'topic']", style: { "background-color": "#e08a1e", shape: "round-rectangle" } },
        { selector: "edge", style: { width: "mapData(weight, 0, 1, 0.5, 7)", "line-color": "#9aa9bb",
          "target-arrow-shape": "triangle", "target-arrow-color": "#9aa9bb", "curve-style": "bezier", opacity: 0.8 } },
      ],
    });
    cy.on("tap", "node", (evt) => {
      window.location.hash = `#/tag/${enc(evt.target.data("key"))}`;
    });
    box.dataset.nodes = String(cy.nodes().length);
    box.dataset.edges = String(cy.edges().length);
  }

  function graphBox() {
    return el("div", { class: "graph", role: "img", "aria-label": "logic chains as a graph" });
  }

  // ------------------------------------------------------------ pages
  function home() {
    return [
      el("h1", {}, "Graph view"),
      el("p", {}, "Search a role (a kind of user) or a topic (what items are about) to see its two-hop logic " +
        "chains with their weights and where each edge came from; or open a user to see their roles, " +
        "recommendations and why."),
    ];
  }

  async function searchPage(q, gen) {
    show(gen, [el("h1", {}, `Tags like “${q}”`),
      loading("Searching… (the first search loads the embedding model)")]);
    const found = await api("/tags/search", { q, k: 20 });
    const items = found.tags.map((t) =>
      el("li", { class: "hit" }, tagLink(t.key, t.name, t.is_user_tag ? "role" : "topic"),
        t.is_user_tag ? badge("role") : null, t.is_item_tag ? badge("topic") : null,
        el("span", { class: "meta" }, `  similarity ${fmt(t.score)}`)));
    show(gen, [el("h1", {}, `Tags like “${q}”`),
      items.length ? el("ul", { class: "hits" }, items) : el("p", { class: "empty" }, "No tag matches.")]);
  }

  function tagHeader(tag) {
    const cover = tag.cover.map((c) => `${c.kind} (since ${c.since ?? "–"}${c.until ? `, until ${c.until}` : ""})`);
    return [
      el("h1", {}, tag.name || tag.key, tag.is_user_tag ? badge("role") : null, tag.is_item_tag ? badge("topic") : null),
      el("p", { class: "meta" },
        `key ${tag.key} · items ${tag.item_count ?? "–"} · first seen ${tag.first_seen ?? "–"} · last seen ` +
        `${tag.last_seen ?? "–"} · cover set: ${cover.length ? cover.join(", ") : "not a member"}`),
      tag.aliases.length ? el("p", { class: "meta" }, "aliases: ", tag.aliases.map((a, i) =>
        [i ? ", " : "", tagLink(a.key)])) : null,
      tag.alias_of.length ? el("p", { class: "meta" }, "alias of: ", tag.alias_of.map((a, i) =>
        [i ? ", " : "", tagLink(a.key)])) : null,
    ];
  }

  // the chains of an /explore answer with both edges of each (weight and provenance, from /tags), and the
  // drawing's columns (seeds, C(1), T(1)) and de-duplicated edges
  async function exploredChains(ex) {
    const tags = await fetchTags(ex.chains.flatMap((c) => [c.role, c.topic]));
    const chains = ex.chains.map((c) => ({
      keys: [c.role, c.topic, c.new_role],
      edges: [outEdges(tags.get(c.role), "U2I").get(c.topic), outEdges(tags.get(c.topic), "I2U").get(c.new_role)],
      value: c.contribution,
    }));
    const node = (kind) => (t) => ({ key: t.key, label: `${t.key} ${fmt(t.weight)}`, kind, weight: t.weight });
    const used = (i) => new Set(chains.map((c) => c.keys[i]));
    const columns = [
      ex.seeds.filter((t) => used(0).has(t.key)).map(node("role")),
      ex.topics.filter((t) => used(1).has(t.key)).map(node("topic")),
      ex.roles.filter((t) => used(2).has(t.key)).map(node("role")),
    ];
    const edges = new Map();
    for (const ch of chains) {
      ch.edges.forEach((e, hop) => {
        if (e) edges.set(`${hop}:${ch.keys[hop]}:${ch.keys[hop + 1]}`,
          { from: [hop, ch.keys[hop]], to: [hop + 1, ch.keys[hop + 1]], weight: e.weight });
      });
    }
    return { chains, columns, edges: [...edges.values()] };
  }

  // role → topics → roles, from /explore seeded with the role alone
  async function roleChains(tag) {
    if (tag.key.includes(",")) {
      return { note: "This key contains a comma, which /explore cannot take as a seed.", chains: [], columns: [] };
    }
    return exploredChains(await api("/explore", { tags: tag.key, graph: view(), candidates: 0, chains: CHAINS_SHOWN }));
  }

  // topic → roles → topics: the strongest roles the topic leads to, then the topics each role wants
  async function topicChains(tag) {
    const hop1 = [...outEdges(tag, "I2U").values()].slice(0, ROLE_FANOUT);
    const roles = await fetchTags(hop1.map((e) => e.key));
    const chains = [];
    for (const e1 of hop1) {
      for (const e2 of outEdges(roles.get(e1.key), "U2I").values()) {
        if (e2.key !== tag.key) chains.push({ keys: [tag.key, e1.key, e2.key], edges: [e1, e2], value: e1.weight * e2.weight });
      }
    }
    chains.sort((x, y) => y.value - x.value || x.keys[2].localeCompare(y.keys[2]));
    const shown = chains.slice(0, CHAINS_SHOWN);
    const mid = hop1.filter((e) => shown.some((c) => c.keys[1] === e.key));
    const ends = [...new Set(shown.map((c) => c.keys[2]))];
    const columns = [
      [{ key: tag.key, label: tag.name || tag.key, kind: "topic", weight: 1 }],
      mid.map((e) => ({ key: e.key, label: `${e.key} ${fmt(e.weight)}`, kind: "role", weight: e.weight })),
      ends.map((k) => ({ key: k, label: k, kind: "topic", weight: 0.5 })),
    ];
    const edges = [
      ...mid.map((e) => ({ from: [0, tag.key], to: [1, e.key], weight: e.weight })),
      ...shown.map((c) => ({ from: [1, c.keys[1]], to: [2, c.keys[2]], weight: c.edges[1].weight })),
    ];
    return { chains: shown, columns, edges };
  }

  async function tagPage(key, gen) {
    show(gen, [el("h1", {}, key), loading("Loading the tag…")]);
    const tag = await api(`/tags/${enc(key)}`, { graph: view(), limit: 500 });
    const parts = [tagHeader(tag)];
    const sections = [];
    if (tag.is_user_tag) {
      sections.push(["Logic chains: role → topics → roles", roleChains(tag), ["role", "topic", "role"],
        "contribution to the new role's weight"]);
    }
    if (tag.is_item_tag) {
      sections.push(["Logic chains: topic → roles → topics", topicChains(tag), ["topic", "role", "topic"],
        "product of the two weights"]);
    }
    const boxes = [];
    for (const [title, pending, kinds, label] of sections) {
      let result;
      try {
        result = await pending;
      } catch (err) {
        parts.push(el("h2", {}, title), errorBox(err, "the chains"));
        continue;
      }
      const box = result.chains.length ? graphBox() : null;
      if (box) boxes.push([box, result]);
      parts.push(el("section", { class: "chains-section", data: { kinds: kinds.join("-") } },
        el("h2", {}, title),
        el("p", { class: "meta" }, `${view() === "full" ? "Full graph G" : "Cover set G*"}; ` +
          "the number on each arrow is the edge's weight P(target | source)."),
        result.note ? el("p", { class: "notice" }, result.note) : null,
        box, chainTable(result.chains, kinds, label)));
    }
    if (!sections.length) parts.push(el("p", { class: "empty" }, "This tag is neither a role nor a topic."));
    parts.push(el("h2", {}, "Edges into this tag"), tag.into.length ? el("ul", { class: "plain" }, tag.into.map((e) =>
      el("li", {}, tagLink(e.key, e.name), ` ${e.type} weight ${fmt(e.weight)} `, provDetails("provenance", e))))
      : el("p", { class: "empty" }, "None in this graph view."));
    if (!show(gen, parts)) return;
    for (const [box, result] of boxes) drawGraph(box, result.columns, result.edges);
  }

  function roleTable(roles, caption) {
    if (!roles.length) return [el("h2", {}, caption), el("p", { class: "empty" }, "None.")];
    return [el("h2", {}, caption), el("table", { class: `roles ${caption.slice(0, 4)}` },
      el("thead", {}, el("tr", {}, el("th", {}, "role"), el("th", { class: "num" }, "P(role | user)"),
        el("th", { class: "num" }, "rank"), el("th", {}, "run"))),
      el("tbody", {}, roles.map((r) => el("tr", { data: { key: r.key, p: r.p ?? "" } },
        el("td", {}, tagLink(r.key, r.name, "role")), el("td", { class: "num" }, fmt(r.p)),
        el("td", { class: "num" }, r.rank ?? "–"), el("td", {}, r.run ?? "–")))))];
  }

  function pathView(path) {
    const hops = path.edges.map((e) => [el("span", { class: "arrow" }, `→ ${fmt(e.p)} →`), e.end]);
    return el("div", { class: "path", data: { shape: path.shape, strength: path.strength } },
      el("div", {}, path.sentence),
      el("div", { class: "meta" }, `${path.shape} · strength ${fmt(path.strength)} · `,
        path.edges.length ? path.edges[0].start : "", hops),
      path.edges.some((e) => Object.keys(e.provenance).length) ? el("details", { class: "prov" },
        el("summary", {}, "provenance of each edge"),
        path.edges.map((e) => el("dl", { class: "prov" }, el("dt", {}, "edge"),
          el("dd", {}, `${e.type} ${e.start} → ${e.end} (${fmt(e.p)})`),
          Object.entries(e.provenance).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v ?? "–")])))) : null);
  }

  async function explanation(user, item, mode) {
    try {
      const ex = await api("/explain", { user, item, mode, graph: view(), limit: 3 });
      return [ex.note ? el("p", { class: "meta" }, ex.note) : null,
        ex.paths.length ? ex.paths.map(pathView) : el("p", { class: "empty" }, "No explanation path in this view.")];
    } catch (err) {
      return errorBox(err, "the explanation");
    }
  }

  async function itemCards(user, rows, mode) {
    const explained = await Promise.all(rows.slice(0, EXPLAINED).map((r) => explanation(user, r.item, mode)));
    return rows.map((r, i) => el("div", { class: "card rec", data: { item: r.item } },
      el("div", {}, el("a", { href: `#/item/${enc(r.item)}` }, r.title ? `${r.title} (${r.item})` : r.item),
        el("span", { class: "meta" }, "  ", r.parts)),
      i < EXPLAINED ? explained[i] : null));
  }

  async function recommendations(user, mode, ex) {
    const head = el("h2", {}, `Recommendations (${mode === "expl" ? "exploration" : "utility"})`);
    let rec;
    try {
      rec = await api("/recommend", { user, mode, k: 10 });
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 503 && err.status !== 404)) return [head, errorBox(err, "recommendations")];
      const why = err.status === 503 ? "No recommender is trained" : "The recommender does not know this user";
      const rows = ex ? ex.candidates.map((c) => ({ item: c.item, title: c.title,
        parts: `graph score ${fmt(c.score)} via ${c.roles.join(", ")}` })) : [];
      return [head, el("p", { class: "notice", data: { status: err.status } },
        `${why} (${err.message}). Below: the exploration's candidate items, explained from the graph alone.`),
      rows.length ? await itemCards(user, rows, mode) : el("p", { class: "empty" }, "No candidate items.")];
    }
    const rows = rec.items.map((r) => ({ item: r.item, parts: `score ${fmt(r.score)} = raw ${fmt(r.raw)} + ` +
      `tag0 ${fmt(r.tag0)} + tag1 ${fmt(r.tag1)}` }));
    return [head, el("p", { class: "meta" }, `model ${rec.model}, run ${rec.run_id}`),
      rows.length ? await itemCards(user, rows, mode) : el("p", { class: "empty" }, "No items to recommend.")];
  }

  async function userPage(user, mode, gen) {
    show(gen, [el("h1", {}, `User ${user}`), loading("Loading the user…")]);
    const roles = await api(`/users/${enc(user)}/roles`);
    let ex = null;
    let exError = null;
    try {
      ex = await api("/explore", { user, graph: view(), chains: CHAINS_SHOWN, candidates: 10 });
    } catch (err) {
      exError = err;
    }
    const modes = el("p", {}, "Mode: ", ["util", "expl"].map((m) => [
      m === mode ? el("strong", {}, m) : el("a", { href: `#/user/${enc(user)}/${m}` }, m), " "]));
    let drawn = null;
    if (ex) {
      try {
        drawn = await exploredChains(ex);
      } catch (err) {
        exError = err;
      }
    }
    const box = drawn && drawn.chains.length ? graphBox() : null;
    const explore = exError ? errorBox(exError, "the exploration") : [
      el("p", { class: "meta" }, "T(0) → C(1) → T(1) from the user's utility roles; the numbers on the arrows " +
        "are edge weights, the last column each chain's share of the new role's weight."),
      box, chainTable(drawn.chains, ["role", "topic", "role"], "contribution")];
    const parts = [
      el("h1", {}, `User ${user}`),
      el("p", { class: "meta" }, `${roles.interactions} interactions`),
      el("div", { class: "cols" }, el("div", {}, roleTable(roles.T0, "T(0) utility roles")),
        el("div", {}, roleTable(roles.T1, "T(1) exploration roles"))),
      el("h2", {}, "Exploration from T(0)"), explore,
      modes, await recommendations(user, mode, ex),
    ];
    if (show(gen, parts) && box) drawGraph(box, drawn.columns, drawn.edges);
  }

  async function itemPage(id, gen) {
    show(gen, [el("h1", {}, id), loading("Loading the item…")]);
    const item = await api(`/items/${enc(id)}`);
    const list = (tags, kind) => tags.length ? el("ul", { class: "plain" }, tags.map((t) => el("li", {},
      tagLink(t.key, t.name, kind), el("span", { class: "meta" },
        ` P = ${fmt(t.p)} · rank ${t.rank ?? "–"} · source ${t.source ?? "–"} · run ${t.run ?? "–"}`))))
      : el("p", { class: "empty" }, "None.");
    show(gen, [el("h1", {}, item.title || item.id), el("p", { class: "meta" },
      `id ${item.id} · source ${item.source ?? "–"} · first seen ${item.first_seen ?? "–"}`),
    item.text ? el("p", {}, item.text) : null,
    el("div", { class: "cols" }, el("div", {}, el("h2", {}, "Roles"), list(item.roles, "role")),
      el("div", {}, el("h2", {}, "Topics"), list(item.topics, "topic")))]);
  }

  // ------------------------------------------------------------ routing
  function show(gen, children) {
    if (gen !== generation) return false;
    main.replaceChildren();
    append(main, children);
    return true;
  }

  async function route() {
    const gen = ++generation;
    const parts = window.location.hash.replace(/^#\/?/, "").split("/");
    let arg = "";
    try {
      arg = decodeURIComponent(parts[1] || "");
    } catch (e) {
      arg = "";
    }
    try {
      if (parts[0] === "search" && arg) await searchPage(arg, gen);
      else if (parts[0] === "tag" && arg) await tagPage(arg, gen);
      else if (parts[0] === "user" && arg) await userPage(arg, parts[2] === "expl" ? "expl" : "util", gen);
      else if (parts[0] === "item" && arg) await itemPage(arg, gen);
      else show(gen, home());
    } catch (err) {
      show(gen, [el("h1", {}, arg || "rolegraph"), errorBox(err, "this page")]);
    }
  }

  document.getElementById("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = document.getElementById("search-q").value.trim();
    if (q) window.location.hash = `#/search/${enc(q)}`;
  });
  document.getElementById("user-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = document.getElementById("user-id").value.trim();
    if (id) window.location.hash = `#/user/${enc(id)}`;
  });
  const viewSelect = document.getElementById("graph-view");
  viewSelect.value = view();
  viewSelect.addEventListener("change", () => {
    sessionStorage.setItem(VIEW_STORE, viewSelect.value);
    route();
  });
  const keyInput = document.getElementById("api-key");
  keyInput.value = sessionStorage.getItem(KEY_STORE) || "";
  document.getElementById("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = keyInput.value.trim();
    if (key) sessionStorage.setItem(KEY_STORE, key);
    else sessionStorage.removeItem(KEY_STORE);
    route();
  });
  document.getElementById("key-clear").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORE);
    keyInput.value = "";
    route();
  });
  window.addEventListener("hashchange", route);
  route();
})();
