// The browser phone: place calls to the simulated helpline and follow what is said.
"use strict";
const calls = new Map();   // sid -> {next, ended, number}
let current = null;

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

function line(text, kind) {
  const item = document.createElement("li");
  item.textContent = text;
  if (kind) item.className = kind;
  $("transcript").appendChild(item);
  $("transcript").scrollTop = $("transcript").scrollHeight;
}

function describe(entry) {
  switch (entry.kind) {
    case "say": speak(entry.text, entry.language); return [entry.text, ""];
    case "play": return ["(muziek)", "event"];
    case "input": return ["U: " + (entry.digits ? "toets " + entry.digits : entry.speech), "you"];
    case "enqueued": return ["(u staat in de wachtrij)", "event"];
    case "queue-result": return ["(wachtrij verlaten: " + entry.result + ")", "event"];
    case "app-error": return ["(storing bij de hulplijn: " + entry.code + ")", "event"];
    case "hangup": return ["(de hulplijn heeft opgehangen)", "event"];
    case "status": return entry.status === "completed" ? ["(gesprek beëindigd)", "event"] : null;
    default: return null;
  }
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

function select(sid) {
  current = sid;
  calls.get(sid).next = 0;
  $("transcript").innerHTML = "";
  $("call").hidden = false;
  showTabs();
  poll();
}

async function poll() {
  if (!current) return;
  const sid = current;
  const call = calls.get(sid);
  const state = await api(`/api/calls/${sid}?since=${call.next}`);
  if (sid !== current) return;
  for (const entry of state.entries) {
    const shown = describe(entry);
    if (shown) line(shown[0], shown[1]);
  }
  call.next = state.next;
  call.ended = state.ended;
  $("status").textContent = state.ended ? "Het gesprek is beëindigd." : "U bent verbonden met de hulplijn.";
  $("position").textContent = state.position
    ? `Uw plek in de rij: ${state.position}` : "";
  showTabs();
}

$("dial").addEventListener("click", async () => {
  const placed = await api("/api/calls", {});
  calls.set(placed.sid, {next: 0, ended: false, number: placed.from});
  select(placed.sid);
});

document.querySelectorAll(".key").forEach((button) => {
  button.addEventListener("click", () => {
    if (current) api(`/api/calls/${current}/keys`, {digits: button.dataset.key});
  });
});

$("speak").addEventListener("submit", (event) => {
  event.preventDefault();
  const words = $("words").value.trim();
  if (current && words) api(`/api/calls/${current}/speech`, {words});
  $("words").value = "";
});

$("hangup").addEventListener("click", () => { if (current) api(`/api/calls/${current}/hangup`, {}); });

setInterval(poll, 500);
