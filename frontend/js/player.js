// The SCORM player: puts the scorm-again runtime where the content looks for it (window.API for
// SCORM 1.2, window.API_1484_11 for 2004), loaded with where the learner left off, and sends every
// commit to Bluelamp with the session and a rising sequence number (so a repeat changes nothing).
// Commits are synchronous XHR, as SCORM expects (the runtime sends its terminate commit as a beacon). Leaving the page through our own links commits
// first; closing the tab sends what the runtime holds with navigator.sendBeacon.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var status = document.getElementById("player-status");
  var sequence = 0;
  var terminated = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function envelope(cmi, terminate) {
    sequence += 1;
    return { session: config.session, sequence: sequence, terminate: !!terminate, cmi: cmi };
  }

  var settings = {
    lmsCommitUrl: config.commitUrl,
    dataCommitFormat: "json",
    autocommit: true,
    autocommitSeconds: 30,
    logLevel: 4,
    requestHandler: function (commitObject, metadata) {
      var cmi = commitObject && commitObject.cmi ? commitObject.cmi : commitObject;
      return envelope(cmi, metadata && metadata.isTerminateCommit);
    },
  };
  var api = config.version === "1.2" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  api.loadFromJSON(config.data);

  api.on(config.version === "1.2" ? "LMSFinish" : "Terminate", function () {
    terminated = true;
    say("Your progress is saved.");
  });
  api.on(config.version === "1.2" ? "LMSCommit" : "Commit", function () {
    say("Progress saved.");
  });
  api.on("CommitError", function () {
    say("Your latest progress could not be saved. Check your connection; it will be tried again.");
  });

  if (config.version === "1.2") window.API = api;
  else window.API_1484_11 = api;

  // Only now load the content: it looks for the runtime as soon as it starts.
  var frame = document.getElementById("scorm-frame");
  frame.src = frame.getAttribute("data-src");

  function initialized() {
    return typeof api.isInitialized === "function" ? api.isInitialized() : true;
  }

  function snapshot() {
    try {
      var rendered = api.renderCommitCMI(true);
      return rendered && rendered.cmi ? rendered.cmi : rendered;
    } catch (error) {
      return null;
    }
  }

  // Our own links (parts, previous/next, "Save and exit"): commit before the page goes.
  document.querySelectorAll('[data-module="bl-player-link"]').forEach(function (link) {
    link.addEventListener("click", function () {
      if (terminated || !initialized()) return;
      if (config.version === "1.2") api.LMSCommit("");
      else api.Commit("");
    });
  });

  // Closing the tab or going elsewhere: a last beacon with what the runtime holds.
  window.addEventListener("pagehide", function () {
    if (terminated || !initialized() || !navigator.sendBeacon) return;
    var cmi = snapshot();
    if (!cmi) return;
    var body = new Blob([JSON.stringify(envelope(cmi, false))], { type: "text/plain;charset=UTF-8" });
    navigator.sendBeacon(config.commitUrl, body);
  });
})();
