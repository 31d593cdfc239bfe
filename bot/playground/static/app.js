// Learnfit playground page: polls /playground/state every second and renders Slack surfaces from Block Kit.
// Every click POSTs to /playground/<action>; the server turns it into the request Slack would send.
// Everything is built as DOM nodes with text nodes for text: no innerHTML, so nothing anyone typed can run.
"use strict";

const ui = {
  me: localStorage.getItem("playground-me") || "U0ANA",
  where: "C0GENERAL", // a channel id, or "home"
  thread: null, // {channel, ts} of the open thread
  state: null,
  emoji: {}, // Slack short name -> emoji, from the server (iamcal's emoji-data, Slack's own set)
  rendered: {}, // surface -> last rendered JSON, so polling never clobbers what the person is doing
};
const $ = (id) => document.getElementById(id);
const QUICK_REACTIONS = ["white_check_mark", "+1", "tada"];
const GROUP_SECONDS = 5 * 60; // Slack folds a person's messages within minutes of each other under one name

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

// ---------------------------------------------------------------- DOM

// h("a", {href, class, onclick}, "text", node, …): an element; strings become text nodes, never markup.
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function fragment(...children) {
  const box = document.createDocumentFragment();
  box.append(...children);
  return box;
}

// ---------------------------------------------------------------- people, places, time

function me() {
  return (ui.state?.people || []).find((p) => p.id === ui.me);
}

function personName(id) {
  const person = (ui.state?.people || []).find((p) => p.id === id);
  return person ? person.real_name : id;
}

function channelName(id) {
  const channel = (ui.state?.channels || []).find((c) => c.id === id);
  return channel ? channel.name : id;
}

function timeZone() {
  return me()?.tz || "UTC";
}

function formatter(options) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: timeZone(), ...options });
}

function dayKey(date) {
  return formatter({ year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

function clockTime(date) {
  return formatter({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
}

function longDay(date, withYear) {
  const parts = Object.fromEntries(
    formatter({ weekday: "long", day: "numeric", month: "long", year: "numeric" })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday}, ${parts.day} ${parts.month}` + (withYear ? ` ${parts.year}` : "");
}

// "Today", "Yesterday" or "Monday, 30 November", by the playground's clock in the person's timezone.
function dayLabel(date) {
  const now = new Date(ui.state.now);
  const key = dayKey(date);
  if (key === dayKey(now)) return "Today";
  if (key === dayKey(new Date(now.getTime() - 86_400_000))) return "Yesterday";
  return longDay(date, key.slice(-4) !== dayKey(now).slice(-4));
}

function tsDate(ts) {
  return new Date(Number(ts) * 1000);
}

// ---------------------------------------------------------------- emoji and mrkdwn

// Slack sends text with exactly &, < and > escaped; only those three come back, in one pass.
function unescapeSlack(text) {
  return String(text).replace(/&(amp|lt|gt);/g, (_, name) => ({ amp: "&", lt: "<", gt: ">" })[name]);
}

function emojiChar(name, skinTone) {
  const char = ui.emoji[name];
  if (!char) return null;
  const tone = skinTone ? ui.emoji[skinTone] : null;
  return tone ? char.replace(/\uFE0F/g, "") + tone : char;
}

function emojiNode(name, skinTone) {
  const char = emojiChar(name, skinTone);
  return char ? h("span", { class: "emoji", title: `:${name}:`, role: "img", "aria-label": name }, char) : null;
}

// Text with :short_names: as emoji (plain_text with emoji on, option labels, reactions).
function withEmoji(text) {
  return String(text ?? "").replace(/:([a-z0-9_+'-]+):(?::(skin-tone-[2-6]):)?/g, (code, name, tone) => emojiChar(name, tone) || code);
}

const INLINE = new RegExp(
  [
    "(`[^`\\n]+`)", // 1 code
    "<([^<>\\n]+)>", // 2 link, mention, special
    "(?<![\\p{L}\\p{N}*])\\*(\\S(?:[^*\\n]*?\\S)?)\\*(?![\\p{L}\\p{N}*])", // 3 bold
    "(?<![\\p{L}\\p{N}_])_(\\S(?:[^_\\n]*?\\S)?)_(?![\\p{L}\\p{N}_])", // 4 italic
    "(?<![\\p{L}\\p{N}~])~(\\S(?:[^~\\n]*?\\S)?)~(?![\\p{L}\\p{N}~])", // 5 strike
    ":([a-z0-9_+'-]+):(?::(skin-tone-[2-6]):)?", // 6, 7 emoji
  ].join("|"),
  "gu",
);

function inline(text, into) {
  const pattern = new RegExp(INLINE); // its own lastIndex: bold and italic recurse
  let last = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const [whole, code, angle, bold, italic, strike, emoji, tone] = match;
    const made = code
      ? h("code", {}, unescapeSlack(code.slice(1, -1)))
      : angle !== undefined
        ? special(angle)
        : bold
          ? inline(bold, h("b"))
          : italic
            ? inline(italic, h("i"))
            : strike
              ? inline(strike, h("s"))
              : emojiNode(emoji, tone);
    if (!made) { // an unknown :name: stays as typed; its closing colon may open the next one
      pattern.lastIndex = match.index + 1;
      continue;
    }
    into.append(unescapeSlack(text.slice(last, match.index)), made);
    last = pattern.lastIndex = match.index + whole.length;
  }
  into.append(unescapeSlack(text.slice(last)));
  return into;
}

// <@U…>, <#C…|name>, <!here>, <!date^…|fallback>, <https://…|label>: what Slack shows for each.
function special(inner) {
  const [target, ...rest] = inner.split("|");
  const label = rest.length ? rest.join("|") : null;
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const known = (ui.state?.people || []).some((p) => p.id === id);
    return h("span", { class: "mention", "data-user": id }, "@" + (known ? personName(id) : unescapeSlack(label || id)));
  }
  if (target.startsWith("#")) {
    const name = label ? "#" + unescapeSlack(label) : channelName(target.slice(1));
    return h("span", { class: "channel-mention" }, name.startsWith("#") ? name : "#" + name);
  }
  if (target.startsWith("!")) {
    const [kind] = target.slice(1).split("^");
    if (["here", "channel", "everyone"].includes(kind)) return h("span", { class: "mention broadcast" }, "@" + kind);
    return h("span", { class: kind === "date" ? "" : "mention" }, unescapeSlack(label || "@" + kind));
  }
  const url = unescapeSlack(target);
  const text = unescapeSlack(label || target);
  if (!/^(https?:|mailto:)/i.test(url)) return document.createTextNode(text);
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, withEmoji(text));
}

const QUOTE = /^(&gt;|>) ?/;

function mrkdwn(text) {
  const box = fragment();
  const parts = String(text ?? "").split("```");
  parts.forEach((part, index) => {
    const closed = index % 2 === 1 && index < parts.length - 1;
    if (closed) box.append(h("pre", { class: "pre" }, unescapeSlack(part.replace(/^\n|\n$/g, ""))));
    else lines(index % 2 === 1 ? "```" + part : part, box);
  });
  return box;
}

function lines(text, into) {
  let quote = null;
  text.split("\n").forEach((line, index, all) => {
    if (QUOTE.test(line)) {
      if (!quote) into.append((quote = h("blockquote")));
      else quote.append(h("br"));
      inline(line.replace(QUOTE, ""), quote);
      return;
    }
    quote = null;
    inline(line, into);
    if (index < all.length - 1 && !QUOTE.test(all[index + 1])) into.append(h("br"));
  });
}

function textObject(text) {
  if (!text) return fragment();
  if (text.type === "mrkdwn") return mrkdwn(text.text);
  const plain = text.emoji === false ? String(text.text) : withEmoji(text.text);
  const box = fragment();
  plain.split("\n").forEach((line, index) => box.append(...(index ? [h("br"), line] : [line])));
  return box;
}

// ---------------------------------------------------------------- files and images

function fileUrl(id, download) {
  return `/playground/file?user=${encodeURIComponent(ui.me)}&id=${encodeURIComponent(id)}` + (download ? "&download=1" : "");
}

function imageSource(image) {
  if (image.slack_file?.id) return fileUrl(image.slack_file.id);
  const url = image.image_url || image.slack_file?.url || "";
  return /^https?:/i.test(url) ? url : null;
}

// An image that says what it was meant to show when it cannot load (the playground may be offline).
function picture(source, alt, className) {
  const fallback = h("span", { class: "image-placeholder", hidden: true }, "🖼 " + (alt || "image"));
  const img = h("img", { class: className, src: source, alt: alt || "", loading: "lazy" });
  img.addEventListener("error", () => { img.hidden = true; fallback.hidden = false; });
  img.addEventListener("load", () => stickToBottom());
  if (!source) { img.hidden = true; fallback.hidden = false; }
  return fragment(img, fallback);
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function renderFile(file) {
  const title = file.title || file.name;
  if (/^image\/(png|jpeg|gif|webp)$/.test(file.mimetype || "")) {
    return h("figure", { class: "file file-image", "data-file-id": file.id },
      h("figcaption", {}, title),
      h("a", { href: fileUrl(file.id), target: "_blank", rel: "noopener" }, picture(fileUrl(file.id), title, "file-picture")));
  }
  const kind = (file.filetype || "file").toUpperCase();
  return h("div", { class: "file file-card", "data-file-id": file.id },
    h("div", { class: "file-icon", "aria-hidden": "true" }, kind.slice(0, 4)),
    h("div", { class: "file-about" }, h("div", { class: "file-title" }, title), h("div", { class: "file-meta" }, `${kind} · ${sizeText(file.size || 0)}`)),
    h("a", { class: "file-download", href: fileUrl(file.id, true), download: file.name, title: "Download " + file.name }, "Download"));
}

// ---------------------------------------------------------------- Block Kit

function unsupported(kind, type) {
  return h("div", { class: "unsupported" }, `unsupported ${kind}: ${type}`);
}

function renderBlocks(blocks, ctx) {
  return h("div", { class: "blocks" }, (blocks || []).map((block) => renderBlock(block, ctx)));
}

function renderBlock(block, ctx) {
  const wrap = h("div", { class: "block block-" + block.type, "data-block-id": block.block_id || "" });
  switch (block.type) {
    case "header":
      wrap.append(textObject(block.text));
      break;
    case "divider":
      wrap.append(h("hr"));
      break;
    case "section": {
      const body = h("div", { class: "section-body" });
      if (block.text) body.append(h("div", { class: "section-text" }, textObject(block.text)));
      if (block.fields) body.append(h("div", { class: "block-fields" }, block.fields.map((field) => h("div", {}, textObject(field)))));
      wrap.append(h("div", { class: "section-row" }, body, block.accessory ? renderElement(block.accessory, block, ctx) : null));
      break;
    }
    case "context":
      for (const item of block.elements || []) {
        wrap.append(item.type === "image" ? picture(imageSource(item), item.alt_text, "context-image") : h("span", {}, textObject(item)));
      }
      break;
    case "actions":
      for (const element of block.elements || []) wrap.append(renderElement(element, block, ctx));
      break;
    case "image":
      if (block.title) wrap.append(h("div", { class: "image-title" }, textObject(block.title)));
      wrap.append(picture(imageSource(block), block.alt_text, "block-picture"));
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
  return withEmoji(option.text?.text ?? option.value);
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

function singleSelect(choices, initial, placeholder) {
  const node = h("select", {}, h("option", { value: "" }, placeholder || "Choose…"));
  for (const choice of choices) node.append(h("option", { value: choice.value, selected: initial.includes(choice.value) }, choice.label));
  node.chosen = () => (node.value ? [node.value] : []);
  return node;
}

// Slack's multi-select: the chosen as chips (each with a remove button), and a menu to add more.
function chipSelect(choices, initial, placeholder) {
  const chosen = new Set(initial);
  const chips = h("span", { class: "chip-list" });
  const adder = h("select", { class: "chip-add", "aria-label": placeholder || "Add" });
  const box = h("div", { class: "chips" }, chips, adder);
  const draw = () => {
    chips.replaceChildren(...choices.filter((c) => chosen.has(c.value)).map((choice) =>
      h("span", { class: "chip", "data-value": choice.value }, choice.label,
        h("button", {
          type: "button", class: "chip-remove", "aria-label": "Remove " + choice.label,
          onclick: () => { chosen.delete(choice.value); draw(); box.dispatchEvent(new Event("change")); },
        }, "×"))));
    adder.replaceChildren(
      h("option", { value: "" }, chosen.size ? "Add more…" : placeholder || "Choose…"),
      ...choices.filter((c) => !chosen.has(c.value)).map((c) => h("option", { value: c.value }, c.label)),
    );
  };
  adder.addEventListener("change", () => { if (adder.value) { chosen.add(adder.value); draw(); } }); // then bubbles to box
  draw();
  box.chosen = () => choices.filter((c) => chosen.has(c.value)).map((c) => c.value);
  return box;
}

function choices(element, multi) {
  const node = h("div", { class: "choices", role: multi ? "group" : "radiogroup" });
  const options = element.options || [];
  const initial = multi ? (element.initial_options || []) : element.initial_option ? [element.initial_option] : [];
  const name = "e" + Math.random().toString(36).slice(2);
  const boxes = options.map((option) => {
    const box = h("input", { type: multi ? "checkbox" : "radio", name, checked: initial.some((o) => o.value === option.value) });
    node.append(h("label", { class: "choice" }, box,
      h("span", { class: "choice-text" },
        h("span", { class: "choice-label" }, textObject(option.text)),
        option.description ? h("span", { class: "choice-description" }, textObject(option.description)) : null)));
    return box;
  });
  node.chosenOptions = () => options.filter((_, index) => boxes[index].checked);
  return node;
}

// Builds the control for an element; `readSlackState()` on the returned node gives its Slack state value.
function control(element) {
  const type = element.type;
  let node;
  let read;
  if (["plain_text_input", "number_input", "url_text_input", "email_text_input"].includes(type)) {
    const inputType = { number_input: "number", url_text_input: "url", email_text_input: "email" }[type] || "text";
    node = element.multiline ? h("textarea", { rows: 4 }) : h("input", { type: inputType });
    if (type === "number_input" && element.is_decimal_allowed) node.step = "any";
    if (element.placeholder) node.placeholder = withEmoji(element.placeholder.text);
    node.value = element.initial_value ?? "";
    read = () => ({ type, value: node.value === "" ? null : node.value });
  } else if (type === "static_select" || type === "multi_static_select" || type === "external_select") {
    const options = optionsOf(element);
    const multi = type === "multi_static_select";
    const list = options.map((option, index) => ({ value: String(index), label: optionText(option) }));
    const initial = (multi ? element.initial_options || [] : element.initial_option ? [element.initial_option] : [])
      .map((o) => String(options.findIndex((option) => option.value === o.value)));
    node = (multi ? chipSelect : singleSelect)(list, initial, element.placeholder && withEmoji(element.placeholder.text));
    read = () => {
      const chosen = node.chosen().map((index) => options[Number(index)]);
      return multi ? { type, selected_options: chosen } : { type, selected_option: chosen[0] || null };
    };
  } else if (PICKERS[type]) {
    const [key, source, initialKey] = PICKERS[type];
    const multi = type.startsWith("multi_");
    node = (multi ? chipSelect : singleSelect)(source(), [].concat(element[initialKey] || []), element.placeholder && withEmoji(element.placeholder.text));
    read = () => ({ type, [key]: multi ? node.chosen() : node.chosen()[0] || null });
  } else if (type === "radio_buttons" || type === "checkboxes") {
    const multi = type === "checkboxes";
    node = choices(element, multi);
    read = () => {
      const chosen = node.chosenOptions();
      return multi ? { type, selected_options: chosen } : { type, selected_option: chosen[0] || null };
    };
  } else if (type === "datepicker" || type === "timepicker") {
    node = h("input", { type: type === "datepicker" ? "date" : "time" });
    node.value = element.initial_date || element.initial_time || "";
    read = () => (type === "datepicker" ? { type, selected_date: node.value || null } : { type, selected_time: node.value || null });
  } else {
    return null;
  }
  node.readSlackState = read;
  node.dataset.actionId = element.action_id || "";
  return node;
}

function kitButton(element, onclick) {
  return h("button", { type: "button", class: "kit-button " + (element.style || "default"), onclick }, textObject(element.text));
}

function renderElement(element, block, ctx) {
  const base = { action_id: element.action_id, block_id: block.block_id, type: element.type };
  if (element.type === "button") {
    return kitButton(element, () => {
      if (element.url) window.open(element.url, "_blank", "noopener");
      // Slack's confirm dialog, as the browser's own.
      if (element.confirm && !window.confirm(element.confirm.title.text + "\n\n" + element.confirm.text.text)) return;
      sendAction(ctx, { ...base, text: element.text, value: element.value });
    });
  }
  if (element.type === "image") return picture(imageSource(element), element.alt_text, "accessory-image");
  if (element.type === "overflow") {
    const select = h("select", { class: "overflow", "aria-label": "More actions" }, h("option", { value: "" }, "⋯"),
      element.options.map((option, index) => h("option", { value: String(index) }, optionText(option))));
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
  const wrap = h("div", { class: "block input-block", "data-block-id": block.block_id || "" });
  wrap.append(h("label", { class: "field-label" }, textObject(block.label), block.optional ? h("span", { class: "optional" }, " (optional)") : null));
  const node = control(block.element);
  if (!node) {
    wrap.append(unsupported("element", block.element.type));
    return wrap;
  }
  node.classList.add("kit-input");
  wrap.append(node);
  if (block.hint) wrap.append(h("div", { class: "input-hint" }, textObject(block.hint)));
  const error = ctx.errors?.[block.block_id];
  if (error) wrap.append(h("div", { class: "field-error" }, error));
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

// ---------------------------------------------------------------- messages

function author(message) {
  return message.bot_id ? "Learnfit" : personName(message.user);
}

function avatar(message) {
  if (message.bot_id) return h("div", { class: "avatar app-avatar", "aria-hidden": "true" }, "🌱");
  const name = personName(message.user);
  const hue = [...String(message.user)].reduce((sum, c) => sum + c.charCodeAt(0), 0) * 47 % 360;
  const initials = name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  return h("div", { class: "avatar", style: `background: hsl(${hue} 45% 42%)`, "aria-hidden": "true" }, initials);
}

function timeNode(message, className) {
  const date = tsDate(message.ts);
  return h("time", { class: className, datetime: date.toISOString(), title: `${longDay(date, true)} at ${clockTime(date)} (${timeZone()})` }, clockTime(date));
}

function reactions(message) {
  if (!message.reactions?.length) return null;
  const by = message.reactions_by || {};
  const names = [...new Set(message.reactions)];
  return h("div", { class: "reactions" }, names.map((name) => {
    const people = by[name] || [];
    const count = message.reactions.filter((n) => n === name).length;
    return h("button", {
      type: "button", class: "reaction" + (people.includes(ui.me) ? " mine" : ""), "data-reaction": name,
      title: people.map(personName).join(", ") + ` reacted with :${name}:`,
      onclick: () => post("react", { channel: message.channel, ts: message.ts, name }),
    }, h("span", { class: "emoji" }, emojiChar(name) || `:${name}:`), h("span", { class: "count" }, String(count)));
  }));
}

// Slack's hover toolbar: quick reactions, Reply in thread, and the app's message shortcut.
function tools(message, inThread) {
  const bar = h("div", { class: "message-tools", role: "toolbar", "aria-label": "Message actions" });
  for (const name of QUICK_REACTIONS) {
    bar.append(h("button", {
      type: "button", class: "react", "data-reaction": name, title: `React with :${name}:`, "aria-label": `React with ${name}`,
      onclick: () => post("react", { channel: message.channel, ts: message.ts, name }),
    }, emojiChar(name) || `:${name}:`));
  }
  if (!inThread) bar.append(h("button", { type: "button", class: "reply-in-thread", title: "Reply in thread", onclick: () => openThread(message) }, "💬 Reply"));
  bar.append(h("button", { type: "button", class: "save-as-learning", title: "Save as learning (Learnfit)", onclick: () => post("shortcut", { channel: message.channel, ts: message.ts }) }, "🔖 Save as learning"));
  return bar;
}

function replies(message) {
  return (ui.state.messages || []).filter((m) => m.thread_ts === message.ts && m.ts !== message.ts && !m.ephemeral);
}

function renderMessage(message, { inThread = false, compact = false } = {}) {
  const ctx = { surface: message.ephemeral ? "ephemeral" : "message", channel: message.channel, ts: message.ts };
  const classes = ["message", message.ephemeral ? "ephemeral" : "", compact ? "compact" : ""].filter(Boolean).join(" ");
  const box = h("div", { class: classes, "data-ts": message.ts, tabindex: "-1" });
  box.append(h("div", { class: "gutter" }, compact ? timeNode(message, "hover-time") : avatar(message)));
  const content = h("div", { class: "content" });
  if (!compact) {
    content.append(h("div", { class: "message-head" },
      h("span", { class: "author" }, author(message)),
      message.bot_id ? h("span", { class: "app-badge" }, "APP") : null,
      timeNode(message, "time")));
  }
  if (message.blocks?.length) content.append(renderBlocks(message.blocks, ctx));
  else if (message.text) content.append(h("div", { class: "message-text" }, mrkdwn(message.text)));
  if (message.files?.length) content.append(h("div", { class: "files" }, message.files.map(renderFile)));
  const reacted = reactions(message);
  if (reacted) content.append(reacted);
  const thread = inThread || message.ephemeral ? [] : replies(message);
  if (thread.length) {
    content.append(h("button", { type: "button", class: "replies-link", onclick: () => openThread(message) },
      `${thread.length} repl${thread.length === 1 ? "y" : "ies"}`,
      h("span", { class: "replies-last" }, "Last reply " + clockTime(tsDate(thread[thread.length - 1].ts)))));
  }
  if (message.ephemeral) content.append(h("div", { class: "only-you" }, "👁 Only visible to you"));
  box.append(content);
  if (!message.ephemeral) box.append(tools(message, inThread));
  return box;
}

// Messages by day, each day under its date divider (sticky while its day scrolls past, as in Slack), and a
// person's close-together messages under one name.
function messageList(messages, options = {}) {
  const days = [];
  let previous = null;
  let day = null;
  for (const message of messages) {
    const newDay = !previous || dayKey(tsDate(previous.ts)) !== dayKey(tsDate(message.ts));
    if (newDay) {
      const divider = options.inThread ? null : h("div", { class: "day-divider", role: "separator" }, h("span", {}, dayLabel(tsDate(message.ts))));
      days.push((day = h("section", { class: "day" }, divider)));
    }
    const compact = !newDay && !message.ephemeral && !previous.ephemeral && author(previous) === author(message)
      && previous.user === message.user && Number(message.ts) - Number(previous.ts) < GROUP_SECONDS;
    day.append(renderMessage(message, { ...options, compact }));
    previous = message;
  }
  return days;
}

function openThread(message) {
  ui.thread = { channel: message.channel, ts: message.ts };
  ui.rendered.thread = null;
  render();
}

let pinned = true; // the list follows new messages unless the person scrolled up to read

function stickToBottom() {
  const list = $("messages");
  if (pinned) list.scrollTop = list.scrollHeight;
}

function renderChannel(state) {
  const top = state.messages.filter((m) => m.channel === ui.where && (!m.thread_ts || m.thread_ts === m.ts));
  const key = JSON.stringify([ui.where, top, state.messages.length, state.people, Object.keys(ui.emoji).length, dayKey(new Date(state.now))]);
  if (ui.rendered.channel === key) return;
  ui.rendered.channel = key;
  const list = $("messages");
  const grown = top.length > (ui.rendered.channelCount ?? -1);
  ui.rendered.channelCount = top.length;
  if (grown) pinned = true;
  list.replaceChildren(...messageList(top));
  if (!top.length) list.append(h("div", { class: "empty" }, "No messages yet. Try ", h("code", {}, "/learn 30m #python read the docs"), "."));
  stickToBottom();
}

function renderThread(state) {
  const pane = $("thread");
  pane.hidden = !ui.thread;
  if (!ui.thread) return;
  const items = state.messages.filter((m) => m.channel === ui.thread.channel && (m.ts === ui.thread.ts || m.thread_ts === ui.thread.ts));
  const key = JSON.stringify([ui.thread, items, state.people]);
  if (ui.rendered.thread === key) return;
  ui.rendered.thread = key;
  const [parent, ...rest] = items;
  const nodes = parent ? [renderMessage(parent, { inThread: true })] : [];
  if (rest.length) nodes.push(h("div", { class: "thread-count" }, `${rest.length} repl${rest.length === 1 ? "y" : "ies"}`));
  $("thread-messages").replaceChildren(...nodes, ...messageList(rest, { inThread: true }));
  $("thread-where").textContent = channelName(ui.thread.channel);
}

function renderHome(state) {
  const key = JSON.stringify([state.home?.id, state.home?.hash, state.people]);
  if (ui.rendered.home === key) return;
  ui.rendered.home = key;
  const home = $("home");
  if (!state.home) home.replaceChildren(h("div", { class: "empty" }, "The app has not published a Home tab for you yet."));
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
  modal.replaceChildren(
    h("div", { class: "modal-head" }, h("span", { class: "app-avatar small", "aria-hidden": "true" }, "🌱"), h("h3", {}, textObject(view.title))),
    h("div", { class: "modal-body" }, renderBlocks(view.blocks, { surface: "modal", view_id: view.id, errors: state.modal_errors })),
  );
  if (typed) restoreValues(modal, typed);
  const buttons = h("div", { class: "modal-buttons" },
    h("button", { type: "button", id: "modal-close", class: "kit-button default", onclick: () => post("close", { view_id: view.id }) }, textObject(view.close || { type: "plain_text", text: "Cancel" })),
    view.submit ? h("button", { type: "button", id: "modal-submit", class: "kit-button primary", onclick: () => post("submit", { view_id: view.id, values: viewValues(modal) }) }, textObject(view.submit)) : null);
  modal.append(buttons);
}

function restoreValues(container, values) {
  for (const node of container.querySelectorAll(".kit-input")) {
    const block = node.closest("[data-block-id]");
    const saved = values[block?.dataset.blockId]?.[node.dataset.actionId];
    if (saved && "value" in saved && "value" in node) node.value = saved.value ?? "";
  }
}

// ---------------------------------------------------------------- chrome

function renderChrome(state) {
  const picker = $("me");
  if (!picker.options.length) {
    for (const person of state.people) picker.append(h("option", { value: person.id }, `${person.real_name} (${person.tz}${person.is_admin ? ", admin" : ""})`));
    picker.value = ui.me;
  }
  const now = new Date(state.now);
  const city = timeZone().split("/").pop().replace(/_/g, " ");
  const days = Math.round(state.offset_days);
  $("clock").textContent = `${formatter({ weekday: "short", day: "numeric", month: "short" }).format(now)}, ${clockTime(now)} in ${city}`
    + (days ? ` (${days > 0 ? "+" : "−"}${Math.abs(days)} d)` : "");
  $("clock").title = `The playground's clock, in ${me()?.real_name}'s timezone (${timeZone()}); UTC ${state.now.slice(0, 16).replace("T", " ")}`;
  const key = JSON.stringify([state.channels, ui.where]);
  if (ui.rendered.channels !== key) {
    ui.rendered.channels = key;
    $("channels").replaceChildren(...state.channels.filter((c) => !c.id.startsWith("D")).map(channelLink));
    $("dms").replaceChildren(...state.channels.filter((c) => c.id.startsWith("D")).map(channelLink));
  }
  $("home-tab").classList.toggle("active", ui.where === "home");
  const home = ui.where === "home";
  $("where").textContent = home ? "Learnfit" : channelName(ui.where);
  $("where-about").textContent = home ? "Home" : ui.where.startsWith("D") ? "Messages with the Learnfit app" : "";
}

function channelLink(channel) {
  const dm = channel.id.startsWith("D");
  return h("li", {}, h("a", {
    href: "#", class: "channel" + (channel.id === ui.where ? " active" : ""), "data-id": channel.id,
    onclick: (e) => { e.preventDefault(); go(channel.id); },
  }, h("span", { class: "channel-icon", "aria-hidden": "true" }, dm ? "🌱" : "#"), dm ? channel.name : channel.name.replace(/^#/, "")));
}

function render() {
  const state = ui.state;
  if (!state) return;
  renderChrome(state);
  const home = ui.where === "home";
  $("home").hidden = !home;
  $("messages").hidden = home;
  $("composer").hidden = home; // App Home has no composer: nothing typed there could go anywhere
  $("composer-input").placeholder = "Message " + channelName(ui.where) + " — or a command like /learn 30m #python read the docs";
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
    const person = ui.me;
    const response = await fetch("/playground/state?user=" + encodeURIComponent(person));
    const state = await response.json();
    if (person !== ui.me) return; // a poll for the person before the switch
    ui.state = state;
    render();
  } catch (error) {
    $("status").textContent = "cannot reach the playground: " + error;
  }
}

async function loadEmoji() {
  try {
    ui.emoji = await (await fetch("/playground/emoji")).json();
  } catch (error) {
    $("status").textContent = "emoji did not load: " + error;
  }
}

$("messages").addEventListener("scroll", () => {
  const list = $("messages");
  pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
});
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
  if (!text || ui.where === "home") return;
  input.value = "";
  pinned = true;
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

loadEmoji().then(refresh);
setInterval(refresh, 1000);
