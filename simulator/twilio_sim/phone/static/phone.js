// The browser phone: place calls to the simulated helpline and follow what is said.
//
// This page is one "tab" to the server. While any of its calls runs it follows them through
// one event stream, which also tells the server that the page is still there; when the page
// goes away (closed or reloaded) it hangs its calls up (pagehide, by sendBeacon), and the
// server hangs up the calls of a page whose stream broke and did not come back.
"use strict";
const tab = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
  : Date.now().toString(36) + Math.random().toString(36).slice(2);
const calls = new Map();   // sid -> {entries, next, ended, talking, queue, position, echoes}
let current = null;
let stream = null;
let echoes = 0;

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  return response.json();
}

function speak(text, language) {
  if (!$("sound").checked || !window.speechSynthesis) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = language || "nl-NL";
  window.speechSynthesis.speak(utterance);
}

function hush() {
  if (window.speechSynthesis) window.speechSynthesis.cancel();
}

function line(text, kind) {
  const item = document.createElement("li");
  item.textContent = text;
  if (kind) item.className = kind;
  $("transcript").appendChild(item);
  $("transcript").scrollTop = $("transcript").scrollHeight;
  return item;
}

const QUEUE_RESULTS = {
  bridged: "(u bent aan de beurt)",
  redirected: "(u bent aan de beurt)",
  leave: "(u verlaat de wachtrij)",
  "queue-full": "(de wachtrij is vol)",
  error: "(storing in de wachtrij)",
  "system-error": "(storing in de wachtrij)",
};
const NOT_HEARD = " (niet gehoord: de lijn luisterde even niet)";

function you(entry) {
  return "U: " + (entry.digits ? "toets " + entry.digits : entry.speech);
}

function describe(entry) {
  switch (entry.kind) {
    case "say": return [entry.text, ""];
    case "play": return ["(muziek)", "event"];
    case "pressed": case "spoke": return [you(entry) + (entry.heard ? "" : NOT_HEARD), "you"];
    case "enqueued": return ["(u staat in de wachtrij)", "event"];
    case "queue-result": return QUEUE_RESULTS[entry.result] ? [QUEUE_RESULTS[entry.result], "event"] : null;
    case "app-error": return ["(storing bij de hulplijn: " + entry.code + ")", "event"];
    case "hangup": return ["(de hulplijn heeft opgehangen)", "event"];
    case "status": return entry.status === "completed" ? ["(gesprek beëindigd)", "event"] : null;
    default: return null;
  }
}

function show(call, entry, live) {
  const echoed = entry.echo && call.echoes.get(entry.echo);
  if (echoed) {  // shown the moment it was given; now we know whether it was heard
    if (!entry.heard) echoed.textContent += NOT_HEARD;
    return;
  }
  if (live && entry.kind === "say") speak(entry.text, entry.language);
  if (live && entry.kind === "barge-in") hush();
  const shown = describe(entry);
  if (shown) line(shown[0], shown[1]);
}

function showTabs() {
  const tabs = $("tabs");
  tabs.innerHTML = "";
  let n = 0;
  for (const [sid, call] of calls) {
    n += 1;
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `Beller ${n}` + (call.ended ? " (klaar)" : "");
    button.setAttribute("aria-current", sid === current ? "true" : "false");
    button.addEventListener("click", () => select(sid));
    item.appendChild(button);
    tabs.appendChild(item);
  }
}

function statusText(call) {
  if (call.ended) return "Het gesprek is beëindigd.";
  if (call.talking) return "U praat nu met een vrijwilliger.";
  if (call.queue) return "U wacht op een vrijwilliger.";
  return "U bent verbonden met de hulplijn.";
}

function showState(call) {
  $("status").textContent = statusText(call);
  $("position").textContent = call.position ? `Uw plek in de rij: ${call.position}` : "";
  $("hangup").disabled = call.ended;
}

function select(sid) {
  current = sid;
  const call = calls.get(sid);
  call.echoes = new Map();
  $("transcript").innerHTML = "";
  for (const entry of call.entries) show(call, entry, false);
  $("call").hidden = false;
  showState(call);
  showTabs();
}

function running() {
  return [...calls.values()].some((call) => !call.ended);
}

function update(state) {
  const call = calls.get(state.sid);
  if (!call) return;
  for (const entry of state.entries) {
    if (entry.i < call.next) continue;  // already had it (the stream started again)
    call.entries.push(entry);
    call.next = entry.i + 1;
    if (state.sid === current) show(call, entry, true);
  }
  Object.assign(call, {
    ended: state.ended, talking: state.talking, queue: state.queue, position: state.position});
  if (state.sid === current) showState(call);
  showTabs();
  follow();
}

// One stream while a call runs; none once every call has ended (nothing more to hear). It
// names the page's calls, so that after a long break (the server may have ended them) the
// page still learns how they are.
function follow() {
  if (running() && !stream) {
    const sids = [...calls.keys()].filter((sid) => !calls.get(sid).ended).join(",");
    stream = new EventSource(`/api/tabs/${tab}/events?calls=${encodeURIComponent(sids)}`);
    stream.onmessage = (event) => update(JSON.parse(event.data));
  } else if (!running() && stream) {
    stream.close();
    stream = null;
  }
}

function track(sid) {
  calls.set(sid, {entries: [], next: 0, ended: false, talking: false, queue: null,
                  position: null, echoes: new Map()});
  select(sid);
  if (stream) { stream.close(); stream = null; }  // again, naming this call too
  follow();
}

function echo(text) {
  // The caller sees what they gave at once; the server's entry says whether it was heard.
  const call = current && calls.get(current);
  if (!call || call.ended) return null;
  echoes += 1;
  const id = `${tab}-${echoes}`;
  call.echoes.set(id, line(text, "you"));
  hush();
  return id;
}

$("dial").addEventListener("click", async () => {
  const placed = await api("/api/calls", {tab});
  track(placed.sid);
});

document.querySelectorAll(".key").forEach((button) => {
  button.addEventListener("click", () => {
    const id = echo("U: toets " + button.dataset.key);
    if (id) api(`/api/calls/${current}/keys`, {digits: button.dataset.key, echo: id});
  });
});

$("speak").addEventListener("submit", (event) => {
  event.preventDefault();
  const words = $("words").value.trim();
  const id = words ? echo("U: " + words) : null;
  if (id) api(`/api/calls/${current}/speech`, {words, echo: id});
  $("words").value = "";
});

$("hangup").addEventListener("click", () => {
  if (current) api(`/api/calls/${current}/hangup`, {});
});

// Calls still running from a page that was closed or reloaded: take one over, or hang up.
async function listRunning() {
  const answer = await api("/api/calls");
  const list = $("running-list");
  list.replaceChildren();
  const others = answer.calls.filter((call) => !calls.has(call.sid));
  const tidy = () => { $("running").hidden = list.children.length === 0; };
  for (const info of others) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = `Beller ${info.from}: ` + (info.talking ? "in gesprek" : "loopt nog")
      + (info.tab_open ? " (open in een ander venster)" : "");
    const take = document.createElement("button");
    take.type = "button";
    take.textContent = "Verder met dit gesprek";
    take.addEventListener("click", async () => {
      await api(`/api/calls/${info.sid}/adopt`, {tab});
      item.remove();
      tidy();
      track(info.sid);
    });
    const end = document.createElement("button");
    end.type = "button";
    end.textContent = "Ophangen";
    end.className = "hangup";
    end.addEventListener("click", async () => {
      await api(`/api/calls/${info.sid}/hangup`, {});
      item.remove();
      tidy();
    });
    item.append(label, " ", take, " ", end);
    list.appendChild(item);
  }
  tidy();
}

// Closing or reloading the page hangs its calls up: nobody is left waiting in the line.
window.addEventListener("pagehide", () => {
  if (running()) navigator.sendBeacon(`/api/tabs/${tab}/close`, "");
});

listRunning();
