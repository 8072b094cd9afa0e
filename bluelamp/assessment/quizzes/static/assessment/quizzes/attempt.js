// A quiz attempt's page, enhanced (everything works without it: the page's buttons save).
//
// Autosave: the page's form is posted to its save address (data-save-url) every 20 seconds when
// something changed, and a moment after each change; the answer is JSON. Each post carries a
// rising counter (seq), so a save that arrives after a newer one changes nothing on the server.
// Leaving the page by its own buttons carries the counter too.
//
// Timer: counts down from the seconds the server said were left (data-seconds-left), shown as
// minutes and seconds. Screen readers hear it only at a few moments (data-announce-at: 30, 10, 5
// and 1 minute left), never each second. At zero the form is handed in ("time is up"); the
// server finishes the attempt whatever happens here.
(function () {
  "use strict";
  var SAVE_EVERY_MS = 20000;
  var AFTER_CHANGE_MS = 1500;
  var AFTER_TYPING_MS = 5000;

  var form = document.getElementById("quiz-attempt-form");
  var timer = document.getElementById("quiz-timer");
  var status = document.getElementById("quiz-save-status");
  var seqField = document.getElementById("quiz-seq");
  // A counter that only rises, even across reloads of the page: milliseconds since the epoch.
  var lastSeq = 0;
  function nextSeq() {
    var now = Date.now();
    lastSeq = now > lastSeq ? now : lastSeq + 1;
    return lastSeq;
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  // --- autosave -------------------------------------------------------------------------------
  var dirty = false;
  var saving = false;
  var leaving = false;
  var changeTimer = null;

  function save() {
    if (!form || saving || leaving || !dirty) return;
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.set("seq", String(nextSeq()));
    data.delete("nav");
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("application/json") === -1) {
          // Signed out (the session ended): the answers stay on this page until it is left.
          return { status: 401, body: { error: "You are signed out, so your answers could not be saved. Sign in again in another tab or window; they are kept on this page and will be saved." } };
        }
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (result) {
        saving = false;
        if (result.status === 409 && result.body.redirect) {
          leaving = true;
          window.location.assign(result.body.redirect);
          return;
        }
        if (result.status !== 200) {
          dirty = true;
          say((result.body && result.body.error) || "Your answers could not be saved. They will be tried again.");
          return;
        }
        say("Your answers were saved at " + result.body.saved_at + ".");
        if (timer && typeof result.body.seconds_left === "number") setRemaining(result.body.seconds_left);
      })
      .catch(function () {
        saving = false;
        dirty = true;
        say("Your answers could not be saved: check your connection. They will be tried again, and are kept on this page.");
      });
  }

  function changedAfter(ms) {
    return function () {
      dirty = true;
      if (changeTimer) window.clearTimeout(changeTimer);
      changeTimer = window.setTimeout(save, ms);
    };
  }

  if (form && form.getAttribute("data-save-url")) {
    // A choice is saved a moment after it is made; typing, once the typist pauses.
    form.addEventListener("change", changedAfter(AFTER_CHANGE_MS));
    form.addEventListener("input", changedAfter(AFTER_TYPING_MS));
    form.addEventListener("submit", function () {
      leaving = true;
      if (seqField) seqField.value = String(nextSeq());
    });
    window.setInterval(save, SAVE_EVERY_MS);
  }

  // --- the timer ------------------------------------------------------------------------------
  if (!timer) return;
  var clock = document.getElementById("quiz-timer-clock");
  var announcer = document.getElementById("quiz-timer-announce");
  var announceAt = (timer.getAttribute("data-announce-at") || "")
    .split(",")
    .map(function (s) {
      return parseInt(s, 10);
    })
    .filter(function (n) {
      return !isNaN(n);
    });
  var endsAt = 0;
  var announced = {};
  var handedIn = false;

  function setRemaining(seconds, loading) {
    endsAt = Date.now() + seconds * 1000;
    // Moments already past when the page loads are not announced late.
    if (loading) {
      announceAt.forEach(function (moment) {
        if (seconds < moment) announced[moment] = true;
      });
    }
  }

  function words(seconds) {
    if (seconds >= 60) {
      var minutes = Math.round(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function show(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var text = (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
    if (clock) clock.textContent = text;
  }

  function handIn() {
    if (handedIn) return;
    handedIn = true;
    leaving = true;
    if (announcer) announcer.textContent = "Time is up. Your attempt is being submitted.";
    var target = form || document.getElementById("quiz-timeup-form");
    if (!target) return;
    if (form) {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "timeup";
      flag.value = "1";
      form.appendChild(flag);
      if (seqField) seqField.value = String(nextSeq());
    }
    target.submit();
  }

  function tick() {
    var seconds = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    show(seconds);
    announceAt.forEach(function (moment) {
      if (seconds <= moment && !announced[moment]) {
        announced[moment] = true;
        if (announcer) announcer.textContent = words(moment) + " left.";
      }
    });
    if (seconds <= 0) handIn();
  }

  setRemaining(parseInt(timer.getAttribute("data-seconds-left"), 10) || 0, true);
  tick();
  window.setInterval(tick, 1000);
})();
