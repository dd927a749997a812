// voicesim report: builds the page from the JSON block with textContent only (no innerHTML),
// so nothing a user said can ever become markup.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("voicesim-data").textContent);

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  // Numbers as the terminal prints them (Python's format): a tie goes to the even digit,
  // where toFixed goes up (142.5 wpm: 142 in the terminal, 143 here). x is a tie at d digits
  // exactly when 2^(d+1)·x is an odd integer (a scaling by two is exact in floating point).
  function fmt(v, digits) {
    if (v === null || v === undefined) return "–";
    const d = digits || 0, x = Number(v), scaled = x * 2 ** (d + 1);
    if (Number.isInteger(scaled) && Math.abs(scaled % 2) === 1) {
      const k = Math.floor(x * 10 ** d);  // x·10^d is exactly k + 0.5
      return ((k % 2 === 0 ? k : k + 1) / 10 ** d).toFixed(d);
    }
    return x.toFixed(d);
  }
  function clock(s) {
    const m = Math.floor(s / 60);
    return m + ":" + (s - m * 60).toFixed(1).padStart(4, "0");
  }
  function card(label, value) {
    const c = el("div", { class: "card" });
    c.append(el("b", {}, value), el("span", { class: "muted" }, label));
    return c;
  }

  function renderMeta() {
    const s = data.session;
    const created = (s.created || "").replace("T", " ").replace("Z", " UTC");
    document.getElementById("meta").textContent =
      created + " · mode " + s.mode + (s.pack ? " · pack " + s.pack : "") + " · " + s.status;
    const box = document.getElementById("summary");
    const sum = data.summary || {};
    box.append(el("h2", {}, "Session summary"));
    const cards = el("div", { class: "cards" });
    cards.append(
      card("answered", fmt(sum.answered) + " / " + fmt(sum.answers)),
      card("pace (wpm)", fmt(sum.wpm)),
      card("fillers / 100 words", fmt(sum.fillers_per_100_words, 1)),
      card("long pauses", fmt(sum.long_pauses)),
      card("score", fmt(sum.score))
    );
    box.append(cards);
    renderDebrief(box, data.debrief || {});
  }

  // The debrief of the terminal: trends over the answers and what to rehearse again,
  // each with the command that asks that question again.
  function renderDebrief(box, d) {
    box.append(el("h3", {}, "Debrief"));
    const trends = el("ul", { class: "trends" });
    for (const t of [d.pace, d.fillers]) if (t) trends.append(el("li", {}, t));
    box.append(trends);
    const list = d.rehearse || [];
    box.append(el("h3", {}, "Rehearse again"));
    if (!list.length) {
      box.append(el("p", { class: "rehearse-none" }, "Nothing: every answer scored 65 or more."));
      return;
    }
    // Weakest first, each under its answer's number (a numbered list read "1. 2. What…").
    const ul = el("ul", { class: "rehearse" });
    for (const r of list) {
      const why = r.score === null || r.score === undefined
        ? r.said
        : "score " + fmt(r.score) + (r.weakest ? ", weakest: " + r.weakest : "");
      const li = el("li", {}, "Answer " + r.number + ": " + r.question + " (" + why + ")");
      if (r.id) li.append(el("code", {}, " voicesim practice --question " + r.id));
      ul.append(li);
    }
    box.append(ul);
  }

  function waveform(answer, player) {
    const W = 1000, H = 90, dur = answer.duration || 1;
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none",
                              class: "waveform", role: "img", "aria-label": "waveform" });
    const x = (t) => (t / dur) * W;
    for (const t of answer.tokens) {
      if (t.k === "pause") {
        root.append(svg("rect", { x: x(t.s), y: 0, width: Math.max(1, x(t.e) - x(t.s)), height: H,
                                  class: t.long ? "m-long" : "m-pause" }));
      }
    }
    const env = answer.envelope, n = env.length;
    if (n) {
      let d = "M0 " + H / 2;
      for (let i = 0; i < n; i++) d += " L" + ((i / n) * W).toFixed(1) + " " + (H / 2 - (env[i] * H) / 2).toFixed(1);
      for (let i = n - 1; i >= 0; i--) d += " L" + ((i / n) * W).toFixed(1) + " " + (H / 2 + (env[i] * H) / 2).toFixed(1);
      root.append(svg("path", { d: d + " Z", class: "env" }));
    }
    for (const t of answer.tokens) {
      if (t.k === "filler") {
        const r = svg("rect", { x: x(t.s), y: 0, width: Math.max(2, x(t.e) - x(t.s)), height: H,
                                class: "m-filler", "data-start": t.s });
        const title = svg("title", {});
        title.textContent = "filler: " + t.t + " at " + clock(t.s);
        r.append(title);
        r.addEventListener("click", () => player.seek(t.s));
        root.append(r);
      }
    }
    const head = svg("line", { x1: 0, x2: 0, y1: 0, y2: H, class: "playhead" });
    root.append(head);
    root.addEventListener("click", (ev) => {
      if (ev.target.classList && ev.target.classList.contains("m-filler")) return;
      const box = root.getBoundingClientRect();
      player.seek(((ev.clientX - box.left) / box.width) * dur);
    });
    player.onTime((t) => { const px = x(t); head.setAttribute("x1", px); head.setAttribute("x2", px); });
    return root;
  }

  function paceChart(answer) {
    const W = 1000, H = 110, dur = answer.duration || 1, top = 220;
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none",
                              class: "pace-chart", role: "img", "aria-label": "pace over time" });
    const y = (wpm) => H - (Math.min(wpm, top) / top) * H;
    const [low, high] = data.pace_band;  // the rubric's comfortable pace, words per minute
    root.append(svg("rect", { x: 0, y: y(high), width: W, height: y(low) - y(high), class: "band" }));
    if (answer.pace.length) {
      const pts = answer.pace.map(([t, w]) => ((t / dur) * W).toFixed(1) + "," + y(w).toFixed(1));
      root.append(svg("polyline", { points: pts.join(" "), class: "pace" }));
    }
    // The label in HTML under the chart: inside the stretched SVG (preserveAspectRatio
    // none) its letters were squeezed unreadable on a phone's width.
    const box = el("div", { class: "pace-box" });
    box.append(root, el("div", { class: "chart-label muted" },
                        "wpm: band " + fmt(low) + "–" + fmt(high) + " shaded; chart top " + top));
    return box;
  }

  function makePlayer(audio) {
    const listeners = [];
    return {
      audio: audio,
      seek(t) {
        if (!audio) return;
        audio.currentTime = t;
        listeners.forEach((f) => f(t));
      },
      onTime(f) { listeners.push(f); },
      tick() { const t = audio ? audio.currentTime : 0; listeners.forEach((f) => f(t)); },
    };
  }

  function transcript(answer, player) {
    const box = el("div", { class: "transcript" });
    const spans = [];
    for (const t of answer.tokens) {
      if (t.k === "pause") {
        const p = el("span", { class: "pause-mark" + (t.long ? " long" : ""), title: "silent pause" },
                     "‖ " + (t.e - t.s).toFixed(1) + " s");
        box.append(p, document.createTextNode(" "));
        continue;
      }
      const w = el("span", { class: "w" + (t.k === "filler" ? " filler" : ""), "data-start": t.s,
                             "data-end": t.e, title: clock(t.s) }, t.k === "filler" ? "[" + t.t.replace(/^\((.*)\)$/, "$1") + "]" : t.t);
      w.addEventListener("click", () => player.seek(t.s));
      spans.push([t, w]);
      box.append(w, document.createTextNode(" "));
    }
    let current = null;
    player.onTime((time) => {
      let found = null;
      // Media clocks land a hair off the exact start after a seek: allow 10 ms.
      for (const [t, w] of spans) {
        if (t.s > time + 0.01) break;
        if (time < t.e + 0.01) found = w;
      }
      if (found !== current) {
        if (current) current.classList.remove("current");
        if (found) found.classList.add("current");
        current = found;
      }
    });
    return box;
  }

  function scorecard(answer, player) {
    const wrap = el("div", { class: "scorecard" });
    const score = answer.score;
    if (!score) return wrap;
    wrap.append(el("h3", {}, "Scorecard — overall " + fmt(score.overall) + " / 100"));
    const table = el("table");
    const head = el("tr");
    ["criterion", "group", "score", "", "evidence", "tip"].forEach((h) => head.append(el("th", {}, h)));
    table.append(head);
    for (const c of score.criteria) {
      const row = el("tr", { class: "criterion", "data-id": c.id });
      const bar = el("div", { class: "bar" });
      const fill = el("div");
      fill.style.width = Math.max(0, Math.min(100, c.score)) + "%";
      bar.append(fill);
      const ev = el("td");
      for (const e of c.evidence || []) {
        if (e.start !== null && e.start !== undefined) {
          const b = el("button", { class: "ev", type: "button", "data-start": e.start },
                       clock(e.start) + " " + e.text);
          b.addEventListener("click", () => { player.seek(e.start); });
          ev.append(b, el("br"));
        } else {
          ev.append(el("span", {}, e.text), el("br"));
        }
      }
      row.append(el("td", {}, c.label || c.id), el("td", {}, c.group), el("td", {}, fmt(c.score)));
      const barCell = el("td");
      barCell.append(bar);
      row.append(barCell, ev, el("td", {}, c.tip));
      table.append(row);
    }
    wrap.append(table);
    return wrap;
  }

  function deliveryCards(d, answer) {
    const cards = el("div", { class: "cards" });
    cards.append(
      card("pace (wpm)", fmt(d.wpm)),
      card("fillers", String(d.fillers.length) + " (" + fmt(d.fillers_per_100_words, 1) + "/100 w)"),
      card("pauses", d.pauses.length + " (" + d.long_pauses.length + " long)"),
      card("speaking time", fmt(d.speaking_span_s, 1) + " s"),
      card("articulation", fmt(d.articulation_rate, 1) + " syl/s")
    );
    if (answer.latency !== null && answer.latency !== undefined) cards.append(card("response latency", fmt(answer.latency, 1) + " s"));
    return cards;
  }

  // What makes the answer's numbers doubtful: a quiet, noisy, clipped or damaged recording.
  function recordingWarnings(answer) {
    const list = el("ul", { class: "warnings" });
    for (const w of answer.warnings || []) list.append(el("li", {}, w));
    return list;
  }

  function renderAnswer(answer) {
    const sec = el("section", { class: "answer", id: "answer-" + answer.number });
    const category = (answer.question.category || "").replace(/_/g, " ");  // management_style
    sec.append(el("h2", {}, "Answer " + answer.number + (category ? " · " + category : "")));
    sec.append(el("p", { class: "question" }, answer.question.text));
    if (answer.question_audio) {
      const q = el("audio", { controls: "", preload: "metadata", class: "question-audio" });
      q.src = answer.question_audio;
      sec.append(el("span", { class: "muted" }, "Question:"), q);
    }
    if (answer.skipped) { sec.append(el("p", { class: "muted" }, answer.unheard)); return sec; }
    let audio = null;
    if (answer.audio) {
      audio = el("audio", { controls: "", preload: "auto", class: "answer-audio" });
      audio.src = answer.audio;
    }
    const player = makePlayer(audio);
    if (audio) {
      sec.append(el("span", { class: "muted" }, "Your answer:"), audio);
      audio.addEventListener("timeupdate", () => player.tick());
      audio.addEventListener("seeked", () => player.tick());
      const frame = () => { player.tick(); if (!audio.paused) requestAnimationFrame(frame); };
      audio.addEventListener("play", () => requestAnimationFrame(frame));
    }
    const legend = el("div", { class: "legend" });
    [["filler", "var(--filler)"], ["pause", "var(--pause)"], ["long pause", "var(--long)"]].forEach(([name, colour]) => {
      const s = el("span", {}, name);
      const i = el("i");
      i.style.background = colour;
      s.prepend(i);
      legend.append(s);
    });
    sec.append(waveform(answer, player), legend, el("h3", {}, "Pace over time"), paceChart(answer));
    sec.append(el("h3", {}, "Transcript"));
    if (!answer.tokens.length) sec.append(el("p", { class: "muted" }, answer.unheard));
    sec.append(transcript(answer, player));
    if (answer.delivery) sec.append(deliveryCards(answer.delivery, answer), recordingWarnings(answer));
    if (answer.feedback) sec.append(el("p", { class: "feedback" }, answer.feedback));
    sec.append(scorecard(answer, player));
    return sec;
  }

  renderMeta();
  const list = document.getElementById("answers");
  for (const a of data.answers) list.append(renderAnswer(a));
  document.body.setAttribute("data-ready", "1");
})();
