// Verifies Causeway commits with standard tools only (docs/ledger-format.md): @ipld/dag-cbor,
// multiformats, Node's built-in Ed25519 and, for the authority of commits in an owned database,
// the UCAN 1.0 library iso-ucan (delegation envelopes, signatures, time bounds, policies). No
// Causeway code is involved.
// stdin:  [{ "cid": "bafy…", "block": "<hex>", "ops": ["<hex>", …] }, …]
//    or:  { "owner": "did:key:…", "proofs": ["<hex of a delegation>", …], "commits": [ …as above… ] }
// stdout: [{ "cid": "bafy…", "problems": ["…", …] }, …]
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { base58btc } from 'multiformats/bases/base58'
import { createPublicKey, verify } from 'node:crypto'
import { Delegation } from 'iso-ucan/delegation'
import { validate as policyHolds } from 'iso-ucan/policy'
import { verifier as ed25519Verifier } from 'iso-signatures/verifiers/eddsa.js'
import { Resolver } from 'iso-signatures/verifiers/resolver.js'

const verifierResolver = new Resolver({ ...ed25519Verifier })

// A command proves another by whole '/' segments (iso-ucan's own check is a plain prefix match).
const proves = (proof, command) => proof === '/' || command === proof || command.startsWith(proof + '/')

// The command and arguments of one operation (docs/ledger-format.md, "The capability").
function needOf (db, op) {
  if (op.coll === '_schema') return { cmd: '/schema/write', args: { db } }
  const deletes = op.fx.some(effect => effect[0] === 'dead')
  return { cmd: deletes ? '/doc/delete' : '/doc/write', args: { db, coll: op.coll, id: op.id } }
}

// The authority of a commit in an owned database, or the reason it has none.
async function authorityProblem (commit, ops, owner, proofs) {
  if (!owner || commit.origin === owner) return null
  const cap = commit.cap
  if (cap === null || typeof cap !== 'object' || typeof cap.cmd !== 'string' || !Array.isArray(cap.prf)) return 'no capability'
  const seconds = Math.floor(Number(BigInt(commit.time) >> 16n) / 1000)
  const chain = []
  for (const link of cap.prf) {
    const bytes = proofs.get(link.toString())
    if (!bytes) return `proof ${link} missing`
    try {
      // iso-ucan checks the envelope, the signature and exp at the commit's own time.
      chain.push(await Delegation.from({ bytes, verifierResolver, now: seconds - 60 }))
    } catch (e) { return `proof ${link}: ${e.message}` }
  }
  if (chain.length === 0) return 'no proof'
  const payload = d => d.envelope.payload
  if (payload(chain[0]).iss !== owner || payload(chain[0]).sub !== owner) return 'root not issued by the owner'
  for (let i = 0; i < chain.length; i++) {
    const p = payload(chain[i])
    const next = i + 1 < chain.length ? payload(chain[i + 1]).iss : commit.origin
    if (p.aud !== next) return `proof ${chain[i].cid} is not delegated to ${next}`
    if (p.sub !== null && p.sub !== owner) return `proof ${chain[i].cid} is about another subject`
    if (p.nbf !== undefined && p.nbf > seconds + 60) return `proof ${chain[i].cid} not yet valid`
  }
  for (const op of ops) {
    const need = needOf(commit.db, op)
    if (!proves(cap.cmd, need.cmd)) return `cap ${cap.cmd} does not cover ${need.cmd}`
    for (const link of chain) {
      if (!proves(payload(link).cmd, need.cmd)) return `proof ${link.cid} does not cover ${need.cmd}`
      if (!policyHolds(need.args, payload(link).pol)) return `proof ${link.cid}'s policy refuses ${op.coll}/${op.id}`
    }
  }
  return null
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

function publicKeyOf (did) {
  if (!did.startsWith('did:key:z')) throw new Error('origin is not a did:key')
  const bytes = base58btc.decode(did.slice('did:key:'.length))
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) throw new Error('origin is not an Ed25519 did:key')
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes.slice(2)]), format: 'der', type: 'spki' })
}

async function check (entry, owner, proofs) {
  const problems = []
  const block = Buffer.from(entry.block, 'hex')
  const cid = CID.create(1, dagCbor.code, await sha256.digest(block))
  if (cid.toString() !== entry.cid) problems.push('hash')
  let commit
  try { commit = dagCbor.decode(block) } catch (e) { problems.push('encoding: ' + e.message); return { cid: entry.cid, problems } }
  const keys = Object.keys(commit).sort()
  if (keys.join(',') !== 'cap,db,ops,origin,parents,seq,sig,time,v' || Number(commit.v) !== 1) problems.push('shape')
  if (!Buffer.from(dagCbor.encode(commit)).equals(block)) problems.push('not canonical')
  const { sig, ...unsigned } = commit
  try {
    if (!verify(null, dagCbor.encode(unsigned), publicKeyOf(commit.origin), sig)) problems.push('signature')
  } catch (e) { problems.push('signature: ' + e.message) }
  if (commit.ops.length !== entry.ops.length) problems.push('operations')
  const decodedOps = []
  for (let i = 0; i < Math.min(commit.ops.length, entry.ops.length); i++) {
    const op = Buffer.from(entry.ops[i], 'hex')
    const opCid = CID.create(1, dagCbor.code, await sha256.digest(op))
    if (!opCid.equals(commit.ops[i])) { problems.push('operation-hash ' + i); continue }
    const decoded = dagCbor.decode(op)
    if (typeof decoded.coll !== 'string' || typeof decoded.id !== 'string' || !Array.isArray(decoded.fx)) problems.push('operation ' + i)
    else decodedOps.push(decoded)
  }
  const authority = await authorityProblem(commit, decodedOps, owner, proofs)
  if (authority) problems.push('authority: ' + authority)
  return { cid: entry.cid, problems }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const entries = Array.isArray(input) ? input : input.commits
const owner = Array.isArray(input) ? null : input.owner
const proofs = new Map()
for (const hex of (Array.isArray(input) ? [] : input.proofs)) {
  const bytes = Buffer.from(hex, 'hex')
  proofs.set(CID.create(1, dagCbor.code, await sha256.digest(bytes)).toString(), Uint8Array.from(bytes))
}
const results = []
for (const entry of entries) results.push(await check(entry, owner, proofs))

// Revocations (docs/ledger-format.md, "Revocations"): a commit whose cap relies on a delegation
// revoked by a commit in its causal past is not authorized; one concurrent with it stands.
if (owner) {
  const commits = new Map()
  for (const entry of entries) {
    try {
      const commit = dagCbor.decode(Buffer.from(entry.block, 'hex'))
      const ops = entry.ops.map(hex => dagCbor.decode(Buffer.from(hex, 'hex')))
      commits.set(entry.cid, { commit, ops })
    } catch { /* reported above */ }
  }
  const revokedBy = new Map()   // delegation CID -> CIDs of the commits recording its revocation
  for (const [cid, { ops }] of commits) {
    for (const op of ops) {
      if (op.coll !== '_revocations') continue
      if (!revokedBy.has(op.id)) revokedBy.set(op.id, [])
      revokedBy.get(op.id).push(cid)
    }
  }
  const ancestors = (cid) => {
    const seen = new Set()
    const stack = [...(commits.get(cid)?.commit.parents ?? []).map(p => p.toString())]
    while (stack.length > 0) {
      const next = stack.pop()
      if (seen.has(next)) continue
      seen.add(next)
      for (const p of commits.get(next)?.commit.parents ?? []) stack.push(p.toString())
    }
    return seen
  }
  entries.forEach((entry, i) => {
    const cap = commits.get(entry.cid)?.commit.cap
    if (!cap || !Array.isArray(cap.prf)) return
    const relied = cap.prf.map(p => p.toString()).filter(p => revokedBy.has(p))
    if (relied.length === 0) return
    const past = ancestors(entry.cid)
    for (const delegation of relied) {
      if (revokedBy.get(delegation).some(r => past.has(r))) results[i].problems.push(`authority: proof ${delegation} was revoked in its causal past`)
    }
  })
}
process.stdout.write(JSON.stringify(results))
