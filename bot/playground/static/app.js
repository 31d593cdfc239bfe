// Learnfit playground page: polls /playground/state every second and renders Slack surfaces from Block Kit.
// Every click POSTs to /playground/<action>; the server turns it into the request Slack would send.
"use strict";

const ui = {
  me: localStorage.getItem("playground-me") || "U0ANA",
  where: "C0GENERAL", // a channel id, or "home"
  thread: null, // {channel, ts} of the open thread
  state: null,
  rendered: {}, // surface -> last rendered JSON, so polling never clobbers what the person is doing
};
const $ = (id) => document.getElementById(id);

async function post(route, body) {
  const response = await fetch("/playground/" + route, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: ui.me, ...body }),
  });
  const data = await response.json();
  $("status").textContent = data.ok ? (data.report ? "Scheduler ran: " + data.report : "") : data.error;
  await refresh();
  return data;
}

// ---------------------------------------------------------------- mrkdwn

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function personName(id) {
  const person = (ui.state?.people || []).find((p) => p.id === id);
  return person ? person.real_name : id;
}

function channelName(id) {
  const channel = (ui.state?.channels || []).find((c) => c.id === id);
  return channel ? channel.name : id;
}

function mrkdwn(text) {
  // Code spans first, so nothing inside them is formatted.
  return String(text ?? "").split(/(`[^`\n]+`)/).map((part) => {
    if (/^`[^`\n]+`$/.test(part)) return "<code>" + escapeHtml(part.slice(1, -1)) + "</code>";
    let html = part.replace(/<([^>\n]+)>/g, (_, inner) => "\u0001" + inner + "\u0002");
    html = escapeHtml(html);
    html = html.replace(/\u0001([^\u0002]*)\u0002/g, (_, inner) => link(inner));
    html = html.replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1<b>$2</b>");
    html = html.replace(/(^|[\s(])_([^_\n]+)_/g, "$1<i>$2</i>");
    html = html.replace(/(^|[\s(])~([^~\n]+)~/g, "$1<s>$2</s>");
    return html.replace(/\n/g, "<br>");
  }).join("");
}

function link(inner) {
  const [target, label] = inner.split("|");
  if (target.startsWith("@")) return "<b>@" + escapeHtml(personName(target.slice(1))) + "</b>";
  if (target.startsWith("#")) return "<b>" + escapeHtml(label ? "#" + label : channelName(target.slice(1))) + "</b>";
  if (target.startsWith("!")) return "<b>@" + escapeHtml(target.slice(1).split("^")[0]) + "</b>";
  const safe = /^(https?:|mailto:)/.test(target) ? target : "#";
  return `<a href="${safe}" target="_blank" rel="noopener">${label || target}</a>`;
}

function textObject(text) {
  if (!text) return "";
  return text.type === "mrkdwn" ? mrkdwn(text.text) : escapeHtml(text.text).replace(/\n/g, "<br>");
}

// ---------------------------------------------------------------- Block Kit

function el(tag, attrs = {}, html = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  if (html) node.innerHTML = html;
  return node;
}

function unsupported(kind, type) {
  return el("div", { class: "unsupported" }, `unsupported ${kind}: ${escapeHtml(type)}`);
}

function renderBlocks(blocks, ctx) {
  const box = el("div", { class: "blocks" });
  for (const block of blocks || []) box.appendChild(renderBlock(block, ctx));
  return box;
}

function renderBlock(block, ctx) {
  const wrap = el("div", { class: "block block-" + block.type, "data-block-id": block.block_id || "" });
  switch (block.type) {
    case "header":
      wrap.innerHTML = textObject(block.text);
      break;
    case "divider":
      wrap.appendChild(el("hr"));
      break;
    case "section": {
      const row = el("div", { class: "section-row" });
      const body = el("div");
      if (block.text) body.appendChild(el("div", { class: "section-text" }, textObject(block.text)));
      if (block.fields) {
        const fields = el("div", { class: "block-fields" });
        for (const field of block.fields) fields.appendChild(el("div", {}, textObject(field)));
        body.appendChild(fields);
      }
      row.appendChild(body);
      if (block.accessory) row.appendChild(renderElement(block.accessory, block, ctx));
      wrap.appendChild(row);
      break;
    }
    case "context":
      for (const item of block.elements || []) {
        if (item.type === "image") wrap.appendChild(el("span", { class: "image-placeholder" }, "[image: " + escapeHtml(item.alt_text || "") + "]"));
        else wrap.appendChild(el("span", {}, textObject(item)));
      }
      break;
    case "actions":
      for (const element of block.elements || []) wrap.appendChild(renderElement(element, block, ctx));
      break;
    case "image":
      if (block.slack_file && block.slack_file.id) {
        // A file the app uploaded to the local Slack, served on this same port.
        wrap.appendChild(el("img", { class: "block-image", src: "/files/" + encodeURIComponent(block.slack_file.id), alt: block.alt_text || "", title: block.alt_text || "" }));
        break;
      }
      // Never fetched from elsewhere: the playground stays offline.
      wrap.appendChild(el("div", { class: "image-placeholder" }, "[image: " + escapeHtml(block.alt_text || block.image_url || "") + "]"));
      if (block.title) wrap.appendChild(el("div", { class: "meta" }, textObject(block.title)));
      break;
    case "input":
      return renderInput(block, ctx);
    default:
      return unsupported("block", block.type);
  }
  return wrap;
}

function optionsOf(element) {
  if (element.options) return element.options;
  return (element.option_groups || []).flatMap((group) => group.options);
}

function optionText(option) {
  return option.text?.text ?? option.value;
}

function peopleOptions() {
  return (ui.state?.people || []).map((p) => ({ value: p.id, label: p.real_name }));
}

function channelOptions() {
  return (ui.state?.channels || []).filter((c) => !c.id.startsWith("D")).map((c) => ({ value: c.id, label: c.name }));
}

const PICKERS = {
  users_select: ["selected_user", peopleOptions, "initial_user"],
  conversations_select: ["selected_conversation", channelOptions, "initial_conversation"],
  channels_select: ["selected_channel", channelOptions, "initial_channel"],
  multi_users_select: ["selected_users", peopleOptions, "initial_users"],
  multi_conversations_select: ["selected_conversations", channelOptions, "initial_conversations"],
  multi_channels_select: ["selected_channels", channelOptions, "initial_channels"],
};

// Builds the control for an element; `read()` on the returned node gives its Slack state value.
function control(element) {
  const type = element.type;
  const id = "e" + Math.random().toString(36).slice(2);
  let node;
  let read;
  if (["plain_text_input", "number_input", "url_text_input", "email_text_input"].includes(type)) {
    const inputType = { number_input: "number", url_text_input: "url", email_text_input: "email" }[type] || "text";
    node = element.multiline ? el("textarea", { rows: 4 }) : el("input", { type: inputType === "url" ? "url" : inputType === "number" ? "number" : "text" });
    if (type === "number_input" && element.is_decimal_allowed) node.step = "any";
    if (element.placeholder) node.placeholder = element.placeholder.text;
    node.value = element.initial_value ?? "";
    read = () => ({ type, value: node.value === "" ? null : node.value });
  } else if (type === "static_select" || type === "multi_static_select" || type === "external_select") {
    const options = optionsOf(element);
    const multi = type === "multi_static_select";
    node = el("select", multi ? { multiple: "multiple" } : {});
    if (!multi) node.appendChild(el("option", { value: "" }, escapeHtml(element.placeholder?.text || "Choose…")));
    options.forEach((option, index) => {
      const item = el("option", { value: String(index) }, escapeHtml(optionText(option)));
      const initial = multi ? (element.initial_options || []) : element.initial_option ? [element.initial_option] : [];
      if (initial.some((o) => o.value === option.value)) item.selected = true;
      node.appendChild(item);
    });
    read = () => {
      const chosen = [...node.selectedOptions].filter((o) => o.value !== "").map((o) => options[Number(o.value)]);
      return multi ? { type, selected_options: chosen } : { type, selected_option: chosen[0] || null };
    };
  } else if (PICKERS[type]) {
    const [key, source, initialKey] = PICKERS[type];
    const multi = type.startsWith("multi_");
    const initial = [].concat(element[initialKey] || []);
    node = el("select", multi ? { multiple: "multiple" } : {});
    if (!multi) node.appendChild(el("option", { value: "" }, escapeHtml(element.placeholder?.text || "Choose…")));
    for (const option of source()) {
      const item = el("option", { value: option.value }, escapeHtml(option.label));
      if (initial.includes(option.value)) item.selected = true;
      node.appendChild(item);
    }
    read = () => {
      const chosen = [...node.selectedOptions].map((o) => o.value).filter(Boolean);
      return { type, [key]: multi ? chosen : chosen[0] || null };
    };
  } else if (type === "radio_buttons" || type === "checkboxes") {
    const options = element.options || [];
    const multi = type === "checkboxes";
    const initial = multi ? (element.initial_options || []) : element.initial_option ? [element.initial_option] : [];
    node = el("div", { class: "choices" });
    const boxes = options.map((option) => {
      const box = el("input", { type: multi ? "checkbox" : "radio", name: id });
      if (initial.some((o) => o.value === option.value)) box.checked = true;
      const label = el("label", { class: "choice" });
      label.appendChild(box);
      label.insertAdjacentHTML("beforeend", " " + textObject(option.text));
      node.appendChild(label);
      node.appendChild(el("br"));
      return box;
    });
    read = () => {
      const chosen = options.filter((_, index) => boxes[index].checked);
      return multi ? { type, selected_options: chosen } : { type, selected_option: chosen[0] || null };
    };
  } else if (type === "datepicker" || type === "timepicker") {
    node = el("input", { type: type === "datepicker" ? "date" : "time" });
    node.value = element.initial_date || element.initial_time || "";
    read = () => (type === "datepicker" ? { type, selected_date: node.value || null } : { type, selected_time: node.value || null });
  } else {
    return null;
  }
  node.readSlackState = read;
  node.dataset.actionId = element.action_id || "";
  return node;
}

function renderElement(element, block, ctx) {
  const base = { action_id: element.action_id, block_id: block.block_id, type: element.type };
  if (element.type === "button") {
    const button = el("button", { type: "button", class: "kit-button " + (element.style || "") }, textObject(element.text));
    button.addEventListener("click", () => {
      if (element.url) window.open(element.url, "_blank", "noopener");
      // Slack's confirm dialog, as the browser's own.
      if (element.confirm && !window.confirm(element.confirm.title.text + "\n\n" + element.confirm.text.text)) return;
      sendAction(ctx, { ...base, text: element.text, value: element.value });
    });
    return button;
  }
  if (element.type === "image") {
    return el("span", { class: "image-placeholder" }, "[image: " + escapeHtml(element.alt_text || "") + "]");
  }
  if (element.type === "overflow") {
    const select = el("select", {});
    select.appendChild(el("option", { value: "" }, "⋯"));
    element.options.forEach((option, index) => select.appendChild(el("option", { value: String(index) }, escapeHtml(optionText(option)))));
    select.addEventListener("change", () => {
      if (select.value !== "") sendAction(ctx, { ...base, selected_option: element.options[Number(select.value)] });
    });
    return select;
  }
  const node = control(element);
  if (!node) return unsupported("element", element.type);
  node.classList.add("kit-control");
  node.addEventListener("change", () => sendAction(ctx, { ...base, ...node.readSlackState() }));
  return node;
}

function renderInput(block, ctx) {
  const wrap = el("div", { class: "block input-block", "data-block-id": block.block_id || "" });
  wrap.appendChild(el("label", { class: "field-label" }, textObject(block.label) + (block.optional ? ' <span class="meta">(optional)</span>' : "")));
  const node = control(block.element);
  if (!node) {
    wrap.appendChild(unsupported("element", block.element.type));
    return wrap;
  }
  node.classList.add("kit-input");
  wrap.appendChild(node);
  if (block.hint) wrap.appendChild(el("div", { class: "input-hint" }, textObject(block.hint)));
  const error = ctx.errors?.[block.block_id];
  if (error) wrap.appendChild(el("div", { class: "field-error" }, escapeHtml(error)));
  return wrap;
}

// state.values of a view as shown: every input and stateful element, keyed by block_id then action_id.
function viewValues(container) {
  const values = {};
  for (const node of container.querySelectorAll(".kit-input, .kit-control")) {
    const block = node.closest("[data-block-id]");
    if (!block || !node.readSlackState) continue;
    const blockId = block.dataset.blockId;
    values[blockId] = values[blockId] || {};
    values[blockId][node.dataset.actionId] = node.readSlackState();
  }
  return values;
}

function sendAction(ctx, action) {
  const body = { surface: ctx.surface, action, channel: ctx.channel, ts: ctx.ts, view_id: ctx.view_id };
  if (ctx.surface === "modal") body.values = viewValues($("modal"));
  if (ctx.surface === "home") body.values = viewValues($("home"));
  post("action", body);
}

// ---------------------------------------------------------------- surfaces

function renderMessage(message, { inThread = false } = {}) {
  const ctx = { surface: message.ephemeral ? "ephemeral" : "message", channel: message.channel, ts: message.ts };
  const box = el("div", { class: "message" + (message.ephemeral ? " ephemeral" : ""), "data-ts": message.ts });
  const fromApp = Boolean(message.bot_id);
  const head = el("div");
  head.appendChild(el("span", { class: "author" }, escapeHtml(fromApp ? "Learnfit" : personName(message.user))));
  if (fromApp) head.appendChild(el("span", { class: "app-badge" }, "APP"));
  head.appendChild(el("span", { class: "meta" }, new Date(Number(message.ts) * 1000).toLocaleTimeString()));
  if (message.ephemeral) head.appendChild(el("span", { class: "only-you" }, " · Only visible to you"));
  box.appendChild(head);
  if (message.blocks && message.blocks.length) box.appendChild(renderBlocks(message.blocks, ctx));
  else box.appendChild(el("div", { class: "message-text" }, mrkdwn(message.text)));
  if (message.reactions && message.reactions.length) {
    const counts = {};
    for (const name of message.reactions) counts[name] = (counts[name] || 0) + 1;
    box.appendChild(el("div", { class: "reactions" }, Object.entries(counts).map(([n, c]) => `:${escapeHtml(n)}: ${c}`).join(" ")));
  }
  if (!message.ephemeral) {
    const tools = el("div", { class: "message-tools" });
    const replies = (ui.state.messages || []).filter((m) => m.thread_ts === message.ts && m.ts !== message.ts && !m.ephemeral);
    if (!inThread) {
      tools.appendChild(el("button", { type: "button", class: "open-thread", onclick: () => openThread(message) }, replies.length ? `${replies.length} repl${replies.length === 1 ? "y" : "ies"}` : "Reply in thread"));
    }
    for (const name of ["white_check_mark", "+1"]) {
      tools.appendChild(el("button", { type: "button", class: "react", "data-reaction": name, onclick: () => post("react", { channel: message.channel, ts: message.ts, name }) }, `React :${name}:`));
    }
    tools.appendChild(el("button", { type: "button", class: "save-as-learning", onclick: () => post("shortcut", { channel: message.channel, ts: message.ts }) }, "Save as learning"));
    box.appendChild(tools);
  }
  return box;
}

function openThread(message) {
  ui.thread = { channel: message.channel, ts: message.ts };
  ui.rendered.thread = null;
  render();
}

function renderChannel(state) {
  const top = state.messages.filter((m) => m.channel === ui.where && (!m.thread_ts || m.thread_ts === m.ts));
  const key = JSON.stringify([ui.where, top, state.messages.length, state.people]);
  if (ui.rendered.channel === key) return;
  ui.rendered.channel = key;
  const list = $("messages");
  list.replaceChildren(...top.map((m) => renderMessage(m)));
  if (!top.length) list.appendChild(el("div", { class: "meta" }, "No messages yet."));
  list.scrollTop = list.scrollHeight;
}

function renderThread(state) {
  const pane = $("thread");
  pane.hidden = !ui.thread;
  if (!ui.thread) return;
  const items = state.messages.filter((m) => m.channel === ui.thread.channel && (m.ts === ui.thread.ts || m.thread_ts === ui.thread.ts));
  const key = JSON.stringify([ui.thread, items]);
  if (ui.rendered.thread === key) return;
  ui.rendered.thread = key;
  $("thread-messages").replaceChildren(...items.map((m) => renderMessage(m, { inThread: true })));
}

function renderHome(state) {
  const key = JSON.stringify([state.home?.id, state.home?.hash]);
  if (ui.rendered.home === key) return;
  ui.rendered.home = key;
  const home = $("home");
  if (!state.home) home.replaceChildren(el("div", { class: "meta" }, "The app has not published a Home tab for you yet."));
  else home.replaceChildren(renderBlocks(state.home.blocks, { surface: "home", view_id: state.home.id }));
}

function renderModal(state) {
  const backdrop = $("modal-backdrop");
  const view = state.modal;
  backdrop.hidden = !view;
  const key = JSON.stringify([view?.id, view?.hash, state.modal_errors]);
  if (!view || ui.rendered.modal === key) return;
  // Keep what the person typed when only the errors changed.
  const typed = ui.rendered.modalId === view.id && ui.rendered.modalHash === view.hash ? viewValues($("modal")) : null;
  ui.rendered.modal = key;
  ui.rendered.modalId = view.id;
  ui.rendered.modalHash = view.hash;
  const modal = $("modal");
  modal.replaceChildren(el("h3", {}, textObject(view.title)));
  modal.appendChild(renderBlocks(view.blocks, { surface: "modal", view_id: view.id, errors: state.modal_errors }));
  if (typed) restoreValues(modal, typed);
  const buttons = el("div", { class: "modal-buttons" });
  buttons.appendChild(el("button", { type: "button", id: "modal-close", onclick: () => post("close", { view_id: view.id }) }, textObject(view.close || { type: "plain_text", text: "Cancel" })));
  if (view.submit) {
    buttons.appendChild(el("button", { type: "button", id: "modal-submit", class: "kit-button primary", onclick: () => post("submit", { view_id: view.id, values: viewValues(modal) }) }, textObject(view.submit)));
  }
  modal.appendChild(buttons);
}

function restoreValues(container, values) {
  for (const node of container.querySelectorAll(".kit-input")) {
    const block = node.closest("[data-block-id]");
    const saved = values[block?.dataset.blockId]?.[node.dataset.actionId];
    if (saved && "value" in saved && "value" in node) node.value = saved.value ?? "";
  }
}

function renderChrome(state) {
  const me = $("me");
  if (!me.options.length) {
    for (const person of state.people) me.appendChild(el("option", { value: person.id }, escapeHtml(`${person.real_name} (${person.tz}${person.is_admin ? ", admin" : ""})`)));
    me.value = ui.me;
  }
  $("clock").textContent = "Clock: " + state.now.slice(0, 16).replace("T", " ") + " UTC" + (state.offset_days ? ` (+${state.offset_days.toFixed(0)} d)` : "");
  const key = JSON.stringify([state.channels, ui.where]);
  if (ui.rendered.channels !== key) {
    ui.rendered.channels = key;
    $("channels").replaceChildren(...state.channels.map((c) => {
      const item = el("li");
      item.appendChild(el("a", { href: "#", class: "channel" + (c.id === ui.where ? " active" : ""), "data-id": c.id, onclick: (e) => { e.preventDefault(); go(c.id); } }, escapeHtml(c.name)));
      return item;
    }));
  }
  $("home-tab").classList.toggle("active", ui.where === "home");
  $("where").textContent = ui.where === "home" ? "Learnfit · Home" : channelName(ui.where);
}

function render() {
  const state = ui.state;
  if (!state) return;
  renderChrome(state);
  const home = ui.where === "home";
  $("home").hidden = !home;
  $("messages").hidden = home;
  $("composer").hidden = home;
  if (home) renderHome(state);
  else renderChannel(state);
  renderThread(state);
  renderModal(state);
}

function go(where) {
  // The DM link may still be the previous person's when they switch and click at once.
  ui.where = where.startsWith("D") ? "D" + ui.me : where;
  ui.thread = null;
  ui.rendered = {};
  if (where === "home") post("home", {});
  else render();
}

async function refresh() {
  try {
    const me = ui.me;
    const response = await fetch("/playground/state?user=" + encodeURIComponent(me));
    const state = await response.json();
    if (me !== ui.me) return; // a poll for the person before the switch
    ui.state = state;
    render();
  } catch (error) {
    $("status").textContent = "cannot reach the playground: " + error;
  }
}

$("me").addEventListener("change", (e) => {
  ui.me = e.target.value;
  localStorage.setItem("playground-me", ui.me);
  ui.state = null; // never show one person's view under another's name
  if (ui.where.startsWith("D")) ui.where = "D" + ui.me;
  ui.rendered = {};
  if (ui.where === "home") post("home", {});
  else refresh();
});
$("home-tab").addEventListener("click", (e) => { e.preventDefault(); go("home"); });
$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("composer-input");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  post("send", { channel: ui.where, text });
});
$("thread-composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("thread-input");
  const text = input.value.trim();
  if (!text || !ui.thread) return;
  input.value = "";
  post("send", { channel: ui.thread.channel, thread_ts: ui.thread.ts, text });
});
$("close-thread").addEventListener("click", () => { ui.thread = null; render(); });
$("run-scheduler").addEventListener("click", () => post("scheduler", {}));
$("jump-day").addEventListener("click", () => post("jump", { days: 1 }));
$("jump-week").addEventListener("click", () => post("jump", { days: 7 }));

refresh();
setInterval(refresh, 1000);
