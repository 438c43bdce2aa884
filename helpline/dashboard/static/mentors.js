/* Coordinators mark volunteers as mentor (setMentor): mentors may listen, coach and join. */
"use strict";

(function () {
  const box = document.getElementById("mentors");
  if (!box) return;
  const MARKED = N_("mentor_marked");
  const UNMARKED = N_("mentor_unmarked");

  async function load() {
    let people, mentors;
    try {
      [people, mentors] = await Promise.all([api("GET", "/api/people"), api("GET", "/api/mentors")]);
    } catch (e) { return; }
    const marked = new Set(mentors.mentors);
    const volunteers = people.people.filter((p) => p.role !== "coordinator");
    box.replaceChildren(box.querySelector("legend"), ...volunteers.map((p) => {
      const input = el("input", { type: "checkbox", value: p.username, checked: marked.has(p.username) });
      input.addEventListener("change", async () => {
        try {
          await api("PUT", `/api/people/${encodeURIComponent(p.username)}/mentor`, { mentor: input.checked });
          say(_(input.checked ? MARKED : UNMARKED, { name: p.name || p.username }),
            document.getElementById("mentors-message"));
        } catch (error) {
          input.checked = !input.checked;
          say(error.message, document.getElementById("mentors-message"));
        }
      });
      return el("label", { class: "choice" }, input, " " + _("mentor_is", { name: p.name || p.username }));
    }));
  }

  load();
})();
