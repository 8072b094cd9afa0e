// The SCORM player: runs the scorm-again runtime, loaded with where the learner left off, and sends
// every commit to Bluelamp with the session and a rising sequence number (so a repeat changes
// nothing). The content runs on its own origin (config.contentOrigin), where it can reach nothing
// of this site: its launch page gives it a facade as window.API / window.API_1484_11 that relays
// each call here by postMessage (scorm-again's CrossFrameLMS, which answers that origin only).
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
    // Commits are synchronous, so scorm-again raises no CommitError event: read Bluelamp's answer
    // here (as scorm-again's own handler does) and tell the learner when progress was refused.
    xhrResponseHandler: function (xhr) {
      var answer = null;
      if (xhr && xhr.status >= 200 && xhr.status <= 299) {
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (error) {
          answer = null;
        }
      }
      if (answer && answer.result === true) return { result: true, errorCode: 0 };
      var code = answer && typeof answer.errorCode === "number" ? answer.errorCode : 101;
      say(
        "Your latest progress could not be saved" +
          (answer && answer.message ? " (" + answer.message + ")" : "") +
          ". Check your connection; it will be tried again."
      );
      return { result: false, errorCode: code };
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

  // Only messages from the content origin reach the runtime, and only SCORM calls. A course sets
  // many values at once (interactions, objectives): scorm-again's default of 100 calls a second
  // would drop some, and a dropped SetValue is lost progress.
  new window.CrossFrameLMS(api, config.contentOrigin, { rateLimit: 5000 });

  // Only now load the content: it asks for the runtime as soon as it starts.
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
