"""Sample SCORM packages (the demo data and the tests): real zips with a manifest and SCOs that talk to the runtime.

Each SCO is a small page of three "screens". It finds the API the way real content does (walking
up the parent frames), Initializes, resumes from its bookmark and suspend_data, and has buttons:
"Next screen" (bookmark + suspend_data + commit), "Save and leave" (exit=suspend, Terminate) and,
on the last screen, "Finish" (completed/passed with a score, Terminate).
"""

from __future__ import annotations

import io
import zipfile

SCO_12 = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p id="screen">Loading</p>
<p id="entry"></p>
<button id="next" type="button">Next screen</button>
<button id="leave" type="button">Save and leave</button>
<button id="finish" type="button" hidden>Finish</button>
<script>
function findAPI(win) {{
  for (var i = 0; i < 10 && win; i++) {{ if (win.API) return win.API; if (win.parent === win) break; win = win.parent; }}
  return null;
}}
var api = findAPI(window);
api.LMSInitialize("");
var screens = 3;
var screen = parseInt(api.LMSGetValue("cmi.core.lesson_location") || "1", 10);
var visits = api.LMSGetValue("cmi.suspend_data") || "";
document.getElementById("entry").textContent = "Entry: " + (api.LMSGetValue("cmi.core.entry") || "none");
if (api.LMSGetValue("cmi.core.lesson_status") === "not attempted") api.LMSSetValue("cmi.core.lesson_status", "incomplete");
function show() {{
  document.getElementById("screen").textContent = "{title}: screen " + screen + " of " + screens;
  document.getElementById("next").hidden = screen >= screens;
  document.getElementById("finish").hidden = screen < screens;
}}
show();
document.getElementById("next").onclick = function () {{
  screen += 1; visits += "{pad}" + screen;
  api.LMSSetValue("cmi.core.lesson_location", String(screen));
  api.LMSSetValue("cmi.suspend_data", visits);
  api.LMSCommit("");
  show();
}};
document.getElementById("leave").onclick = function () {{
  api.LMSSetValue("cmi.core.exit", "suspend");
  api.LMSSetValue("cmi.core.session_time", "00:05:00");
  api.LMSFinish("");
  document.getElementById("screen").textContent = "Saved. You can close this.";
}};
document.getElementById("finish").onclick = function () {{
  api.LMSSetValue("cmi.core.score.raw", "{score}");
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.score.min", "0");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSSetValue("cmi.core.exit", "");
  api.LMSSetValue("cmi.core.session_time", "00:03:00");
  api.LMSFinish("");
  document.getElementById("screen").textContent = "Finished {title}.";
}};
</script>
</body></html>
"""

SCO_2004 = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p id="screen">Loading</p>
<p id="entry"></p>
<button id="next" type="button">Next screen</button>
<button id="leave" type="button">Save and leave</button>
<button id="finish" type="button" hidden>Finish</button>
<script>
function findAPI(win) {{
  for (var i = 0; i < 10 && win; i++) {{ if (win.API_1484_11) return win.API_1484_11; if (win.parent === win) break; win = win.parent; }}
  return null;
}}
var api = findAPI(window);
api.Initialize("");
var screens = 3;
var screen = parseInt(api.GetValue("cmi.location") || "1", 10);
var visits = api.GetValue("cmi.suspend_data") || "";
document.getElementById("entry").textContent = "Entry: " + (api.GetValue("cmi.entry") || "none");
api.SetValue("cmi.completion_status", "incomplete");
function show() {{
  document.getElementById("screen").textContent = "{title}: screen " + screen + " of " + screens;
  document.getElementById("next").hidden = screen >= screens;
  document.getElementById("finish").hidden = screen < screens;
}}
show();
document.getElementById("next").onclick = function () {{
  screen += 1; visits += "{pad}" + screen;
  api.SetValue("cmi.location", String(screen));
  api.SetValue("cmi.suspend_data", visits);
  api.Commit("");
  show();
}};
document.getElementById("leave").onclick = function () {{
  api.SetValue("cmi.exit", "suspend");
  api.SetValue("cmi.session_time", "PT5M");
  api.Terminate("");
  document.getElementById("screen").textContent = "Saved. You can close this.";
}};
document.getElementById("finish").onclick = function () {{
  api.SetValue("cmi.score.scaled", "{scaled}");
  api.SetValue("cmi.score.raw", "{score}");
  api.SetValue("cmi.score.max", "100");
  api.SetValue("cmi.score.min", "0");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "passed");
  api.SetValue("cmi.exit", "normal");
  api.SetValue("cmi.session_time", "PT3M");
  api.Terminate("");
  document.getElementById("screen").textContent = "Finished {title}.";
}};
</script>
</body></html>
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG"><title>{title}</title>{items}</organization>
  </organizations>
  <resources>{resources}</resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG"><title>{title}</title>{items}</organization>
  </organizations>
  <resources>{resources}</resources>
</manifest>
"""


def build_package(
    version: str = "1.2",
    *,
    title: str = "Stop and search essentials",
    scos: int = 1,
    score: int = 85,
    pad: str = "",
    extra_files: dict[str, bytes] | None = None,
    manifest: str | None = None,
    folder: str = "",
) -> bytes:
    """A zip of a SCORM package with `scos` SCOs (each three screens). `pad` is added to the
    suspend_data on every screen (to test large suspend_data)."""
    buffer = io.BytesIO()
    items, resources, files = [], [], {}
    template = SCO_12 if version == "1.2" else SCO_2004
    for n in range(1, scos + 1):
        sco_title = f"Part {n}" if scos > 1 else title
        href = f"sco{n}/index.html"
        items.append(f'<item identifier="ITEM{n}" identifierref="RES{n}"><title>{sco_title}</title></item>')
        kind = 'adlcp:scormtype="sco"' if version == "1.2" else 'adlcp:scormType="sco"'
        resources.append(
            f'<resource identifier="RES{n}" type="webcontent" {kind} href="{href}"><file href="{href}"/></resource>'
        )
        files[href] = template.format(title=sco_title, score=score, scaled=score / 100, pad=pad).encode()
    text = manifest or (MANIFEST_12 if version == "1.2" else MANIFEST_2004).format(
        identifier="PKG-" + title.replace(" ", "-"),
        title=title,
        items="".join(items),
        resources="".join(resources),
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(folder + "imsmanifest.xml", text)
        for name, content in files.items():
            archive.writestr(folder + name, content)
        for name, content in (extra_files or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def raw_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()
