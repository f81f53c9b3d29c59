// ucan-peer.mjs: an independent UCAN 1.0 peer for cross-tests, built on the npm package iso-ucan
// (pinned at 0.5.0 in package.json). It mints tokens for the .NET side to accept and validates
// tokens minted by the .NET side, using only iso-ucan's own code for the UCAN parts.
//
// Usage (request JSON from the file argument, or from stdin when there is none or it is "-"):
//   node tests/js/ucan-peer.mjs mint   [request.json]
//   node tests/js/ucan-peer.mjs verify [request.json]
// Output: one JSON object on stdout. Exit 0 on a result (verify: also when the tokens are
// rejected, with ok=false); exit 2 on bad input (bad JSON, bad seed/base64/field, or, for mint,
// iso-ucan refusing to create the tokens asked for: its message is on stderr); 1 on a bug.
//
// mint request (every field but the two seeds is optional):
//   { "rootSeed": "<32 bytes: 64 hex chars, or base64/base64url; also base64pad(80 26 ++ seed)>",
//     "deviceSeed": "<same>",
//     "now": 1767225600,                 // seconds; the "now" iso-ucan checks proofs against
//     "tag": "native" | "1.0.0",         // native: iso-ucan's own "@1.0.0-rc.1" tag (default);
//                                        // "1.0.0": same payloads re-signed with iso-ucan's envelope
//                                        // code under "ucan/dlg@1.0.0" / "ucan/inv@1.0.0"
//     "unchecked": false,                // true: sign the payloads with iso-ucan's envelope code
//                                        // without its create() checks (to mint expired tokens etc.)
//     "root":       { "aud": "<did, default the root itself>", "cmd": "/", "pol": [],
//                     "exp": <s|null>, "nbf": <s>, "nonce": "<hex|base64>", "meta": {} },
//     "delegation": { "cmd": "/doc", "pol": [["==", ".db", "shop"]], "exp", "nbf", "nonce", "meta",
//                     "iss": "root" (default) | "device" (only to mint broken chains) },
//     "invocation": { "cmd": "/doc/write", "args": {"db":"shop","coll":"orders","id":"d1-1"},
//                     "aud": "<did, iso-ucan writes sub when absent>", "exp", "nbf", "iat",
//                     "nonce", "meta" } }
//   exp absent = iso-ucan's default (wall clock + 300 s); exp null = no expiry. nonce absent =
//   12 random bytes. A hex string (even length, only hex digits) is read as hex, else as base64.
//   In args/meta/pol, {"/": {"bytes": "<base64>"}} becomes bytes and {"/": "<cid>"} a CID.
// mint output:
//   { "root": {"did"}, "device": {"did"},
//     "rootDelegation" | "delegation" | "invocation": { "token": "<base64 padded DAG-CBOR>",
//         "cid": "bafy...", "header": "3401ed01ed011371", "tag": "ucan/dlg@1.0.0-rc.1",
//         "iss", "aud", "sub", "cmd", "exp", "nbf" } }
//   the invocation's prf is [rootDelegation.cid, delegation.cid], root first.
//
// verify request:
//   { "invocation": "<base64 DAG-CBOR>", "delegations": ["<base64>", ...],  // any order; these
//     "now": 1767225600,   // are the only proofs resolvable by CID. now: seconds, default wall clock
//     "audience": "<did>" } // optional: iso-ucan then also requires inv aud or sub == this DID
// verify output: { "ok": true, "cid": "<invocation CID>", "proofs": ["<cid>", ...] }
//             or { "ok": false, "error": "<iso-ucan's message[: cause]>" }
//
// Notes on iso-ucan 0.5.0 that matter to a peer (read from its source):
// - It writes the Ed25519 varsig header 34 01 ed 01 ed 01 13 71 and reads only that exact form
//   (34 01, then ed 01 ed 01 13, then 71 or 5f); the old 34 ed 01 71 is rejected ("Invalid version
//   sigil"). It writes the tag "ucan/<dlg|inv>@1.0.0-rc.1" and reads any "ucan/dlg@*"/"ucan/inv@*".
// - Invocation.from checks the invocation's exp against the wall clock, not "now", and never
//   checks the invocation's nbf; proofs are checked against "now" (exp < now fails, nbf > now fails).
// - Commands are matched by plain string prefix (/doc proves /docs); when the invocation's iss
//   equals its sub, prf is not looked at at all.

import { readFileSync } from 'node:fs'
import * as dagCbor from '@ipld/dag-cbor'
import { EdDSASigner } from 'iso-signatures/signers/eddsa.js'
import { verifier as ed25519Verifier } from 'iso-signatures/verifiers/eddsa.js'
import { Resolver } from 'iso-signatures/verifiers/resolver.js'
import { Delegation } from 'iso-ucan/delegation'
import * as Envelope from 'iso-ucan/envelope'
import { Invocation } from 'iso-ucan/invocation'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

class BadInput extends Error {}

const verifierResolver = new Resolver({ ...ed25519Verifier })

function bytesFrom(text, what) {
  if (typeof text !== 'string' || text.length === 0) {
    throw new BadInput(`${what}: expected a hex or base64 string`)
  }
  if (text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text)) {
    return Uint8Array.from(Buffer.from(text, 'hex'))
  }
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  if (!/^[A-Za-z0-9+/]*$/.test(b64) || b64.length % 4 === 1) {
    throw new BadInput(`${what}: not hex and not base64`)
  }
  return Uint8Array.from(Buffer.from(b64, 'base64'))
}

function seedFrom(text, what) {
  let bytes = bytesFrom(text, what)
  // The spec fixtures' key form: base64pad(varint 0x1300 ++ 32-byte seed).
  if (bytes.length === 34 && bytes[0] === 0x80 && bytes[1] === 0x26) bytes = bytes.subarray(2)
  if (bytes.length !== 32) throw new BadInput(`${what}: expected 32 bytes, got ${bytes.length}`)
  return bytes
}

/** JSON to the values iso-ucan's CBOR encoder takes: {"/": {"bytes"}} -> bytes, {"/": cid} -> CID. */
function ipld(value) {
  if (Array.isArray(value)) return value.map(ipld)
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === '/') {
      const inner = value['/']
      if (typeof inner === 'string') return CID.parse(inner)
      if (inner && typeof inner === 'object' && typeof inner.bytes === 'string') {
        return bytesFrom(inner.bytes, 'bytes')
      }
    }
    return Object.fromEntries(keys.map((k) => [k, ipld(value[k])]))
  }
  return value
}

function timeField(obj, key, what) {
  if (!(key in obj)) return undefined
  const v = obj[key]
  if (v === null || Number.isSafeInteger(v)) return v
  throw new BadInput(`${what}.${key}: expected an integer number of seconds or null`)
}

function optionsOf(spec, what) {
  const o = {}
  const exp = timeField(spec, 'exp', what)
  if (exp !== undefined) o.exp = exp
  const nbf = timeField(spec, 'nbf', what)
  if (nbf !== undefined && nbf !== null) o.nbf = nbf
  if (spec.nonce !== undefined) o.nonce = bytesFrom(spec.nonce, `${what}.nonce`)
  if (spec.meta !== undefined) o.meta = ipld(spec.meta)
  return o
}

async function cidOf(bytes) {
  return CID.create(1, dagCbor.code, await sha256.digest(bytes))
}

/** Header bytes and tag as they stand in the token, read with @ipld/dag-cbor (not iso-ucan). */
function describe(bytes) {
  const [, sigPayload] = dagCbor.decode(bytes)
  const tag = Object.keys(sigPayload).find((k) => k !== 'h')
  return { header: Buffer.from(sigPayload.h).toString('hex'), tag, payload: sigPayload[tag] }
}

async function tokenJson(bytes) {
  const { header, tag, payload } = describe(bytes)
  return {
    token: Buffer.from(bytes).toString('base64'),
    cid: (await cidOf(bytes)).toString(),
    header,
    tag,
    iss: payload.iss,
    aud: payload.aud ?? null,
    sub: payload.sub ?? null,
    cmd: payload.cmd,
    exp: payload.exp ?? null,
    nbf: payload.nbf ?? null,
  }
}

/** Signs a payload with iso-ucan's envelope code under the given tag version (undefined = native). */
async function signWith(spec, signer, payload, version) {
  const { signature, signaturePayload } = await Envelope.sign({ spec, version, signer, payload })
  return Envelope.encode({ signature, signaturePayload })
}

/** A Delegation object (as iso-ucan's resolveProof would hand back) for arbitrary token bytes. */
async function delegationFromBytes(bytes) {
  const envelope = Envelope.decode({ envelope: bytes })
  return new Delegation(envelope, bytes, await cidOf(bytes))
}

async function mint(req) {
  if (!req || typeof req !== 'object') throw new BadInput('request: expected a JSON object')
  const root = await EdDSASigner.generate(seedFrom(req.rootSeed, 'rootSeed'))
  const device = await EdDSASigner.generate(seedFrom(req.deviceSeed, 'deviceSeed'))
  const tag = req.tag ?? 'native'
  if (tag !== 'native' && tag !== '1.0.0') throw new BadInput('tag: expected "native" or "1.0.0"')
  const version = tag === 'native' ? undefined : '1.0.0'
  const unchecked = req.unchecked === true
  const now = req.now === undefined ? undefined : timeField(req, 'now', 'request')
  const r = req.root ?? {}
  const d = req.delegation ?? {}
  const i = req.invocation ?? {}

  const rootOpts = {
    iss: root,
    aud: r.aud ?? root.did,
    sub: root.did,
    cmd: r.cmd ?? '/',
    pol: ipld(r.pol ?? []),
    ...optionsOf(r, 'root'),
    now,
  }
  const dlgIssuer = d.iss === 'device' ? device : root
  const dlgOpts = {
    iss: dlgIssuer,
    aud: device.did,
    sub: root.did,
    cmd: d.cmd ?? '/doc',
    pol: ipld(d.pol ?? [['==', '.db', 'shop']]),
    ...optionsOf(d, 'delegation'),
    now,
  }

  let rootDlg
  let dlg
  if (unchecked) {
    rootDlg = await delegationFromBytes(await signWith('dlg', root, rawDlgPayload(rootOpts), version))
    dlg = await delegationFromBytes(await signWith('dlg', dlgIssuer, rawDlgPayload(dlgOpts), version))
  } else {
    rootDlg = await Delegation.create(rootOpts)
    dlg = await Delegation.create(dlgOpts)
    if (version) {
      rootDlg = await delegationFromBytes(await signWith('dlg', root, rootDlg.envelope.payload, version))
      dlg = await delegationFromBytes(await signWith('dlg', dlgIssuer, dlg.envelope.payload, version))
    }
  }

  const invOpts = {
    iss: device,
    sub: root.did,
    cmd: i.cmd ?? '/doc/write',
    args: ipld(i.args ?? { db: 'shop', coll: 'orders', id: 'd1-1' }),
    prf: [rootDlg, dlg],
    ...optionsOf(i, 'invocation'),
    verifierResolver,
    now,
  }
  if (i.aud !== undefined) invOpts.aud = i.aud
  const iat = timeField(i, 'iat', 'invocation')
  if (iat !== undefined && iat !== null) invOpts.iat = iat

  let invBytes
  if (unchecked) {
    invBytes = await signWith('inv', device, rawInvPayload(invOpts), version)
  } else {
    const inv = await Invocation.create(invOpts)
    invBytes = version ? await signWith('inv', device, inv.envelope.payload, version) : inv.bytes
  }

  return {
    root: { did: root.did },
    device: { did: device.did },
    rootDelegation: await tokenJson(rootDlg.bytes),
    delegation: await tokenJson(dlg.bytes),
    invocation: await tokenJson(invBytes),
  }
}

// The payloads iso-ucan's Delegation.create / Invocation.create build, without their checks.
function nowPlusTtl(exp) {
  return exp === undefined ? Math.floor(Date.now() / 1000) + 300 : exp
}
function rawDlgPayload(o) {
  const p = {
    iss: o.iss.toString(),
    aud: o.aud,
    sub: o.sub ?? null,
    pol: o.pol,
    cmd: o.cmd,
    nonce: o.nonce ?? crypto.getRandomValues(new Uint8Array(12)),
    exp: nowPlusTtl(o.exp),
  }
  if (o.nbf) p.nbf = o.nbf
  if (o.meta) p.meta = o.meta
  return p
}
function rawInvPayload(o) {
  const p = {
    iss: o.iss.toString(),
    aud: o.aud ?? o.sub,
    sub: o.sub,
    cmd: o.cmd,
    nonce: o.nonce ?? crypto.getRandomValues(new Uint8Array(12)),
    exp: nowPlusTtl(o.exp),
    args: o.args,
    prf: o.prf.map((x) => x.cid),
  }
  if (o.meta) p.meta = o.meta
  if (o.iat) p.iat = o.iat
  if (o.nbf) p.nbf = o.nbf
  return p
}

function messageOf(error) {
  let msg = error instanceof Error ? error.message : String(error)
  for (let c = error?.cause; c; c = c.cause) {
    msg += `: ${c instanceof Error ? c.message : String(c)}`
  }
  return msg
}

async function verify(req) {
  if (!req || typeof req !== 'object') throw new BadInput('request: expected a JSON object')
  const invBytes = bytesFrom(req.invocation, 'invocation')
  const dlgs = req.delegations ?? []
  if (!Array.isArray(dlgs)) throw new BadInput('delegations: expected an array of base64 strings')
  const dlgBytes = dlgs.map((t, n) => bytesFrom(t, `delegations[${n}]`))
  const now = req.now === undefined ? undefined : timeField(req, 'now', 'request')
  if (req.audience !== undefined && typeof req.audience !== 'string') {
    throw new BadInput('audience: expected a DID string')
  }

  try {
    // Proofs are resolvable only from the given tokens, by the CID of their bytes.
    const byCid = new Map()
    for (const bytes of dlgBytes) byCid.set((await cidOf(bytes)).toString(), bytes)
    const inv = await Invocation.from({
      bytes: invBytes,
      audience: req.audience ? { did: req.audience } : undefined,
      verifierResolver,
      now,
      resolveProof: async (cid) => {
        const bytes = byCid.get(cid.toString())
        if (!bytes) throw new Error(`Delegation not found: ${cid.toString()}`)
        // Same as iso-ucan's Store.resolveProof (Delegation.fromString); Invocation.from then
        // calls validate() on it (time, signature).
        return await Delegation.fromString(Buffer.from(bytes).toString('base64'), { now })
      },
    })
    return { ok: true, cid: inv.cid.toString(), proofs: inv.delegations.map((x) => x.cid.toString()) }
  } catch (error) {
    return { ok: false, error: messageOf(error) }
  }
}

async function main() {
  const [mode, file] = process.argv.slice(2)
  if (mode !== 'mint' && mode !== 'verify') {
    process.stderr.write('usage: node ucan-peer.mjs mint|verify [request.json]  (stdin when no file)\n')
    process.exit(2)
  }
  let req
  try {
    const text = file && file !== '-' ? readFileSync(file, 'utf8') : readFileSync(0, 'utf8')
    req = JSON.parse(text)
  } catch (error) {
    process.stderr.write(`bad input: ${messageOf(error)}\n`)
    process.exit(2)
  }
  try {
    const out = mode === 'mint' ? await mint(req) : await verify(req)
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
  } catch (error) {
    if (error instanceof BadInput) {
      process.stderr.write(`bad input: ${error.message}\n`)
      process.exit(2)
    }
    if (mode === 'mint') {
      process.stderr.write(`iso-ucan refused: ${messageOf(error)}\n`)
      process.exit(2)
    }
    process.stderr.write(`error: ${error?.stack ?? error}\n`)
    process.exit(1)
  }
}

await main()
