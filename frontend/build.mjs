// Compiles Bluelamp's front end into bluelamp/core/static/bluelamp/:
// our Sass over GOV.UK Frontend (un-branded), the GOV.UK Frontend and htmx
// scripts, and the SCORM runtime. No GOV.UK images, crown, crest or fonts are copied.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "bluelamp", "core", "static", "bluelamp");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "frontend", "scss", "bluelamp.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (result.css.includes("GDS Transport")) {
  throw new Error("compiled CSS refers to GDS Transport; it must not");
}
writeFileSync(join(out, "bluelamp.css"), result.css);

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["frontend/images/favicon.svg", "favicon.svg"],
  ["frontend/js/bluelamp.js", "bluelamp.js"],
  // The SCORM runtime (scorm-again, MIT) and our player around it.
  ["node_modules/scorm-again/dist/scorm12.min.js", "scorm12.min.js"],
  ["node_modules/scorm-again/dist/scorm2004.min.js", "scorm2004.min.js"],
  ["frontend/js/player.js", "player.js"],
];
for (const [from, to] of copies) copyFileSync(join(root, from), join(out, to));
console.log(`front end built into ${out}`);
