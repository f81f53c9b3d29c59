// Verifies Causeway commits with standard tools only (docs/ledger-format.md): @ipld/dag-cbor,
// multiformats and Node's built-in Ed25519. No Causeway code is involved.
// stdin:  [{ "cid": "bafy…", "block": "<hex>", "ops": ["<hex>", …] }, …]
// stdout: [{ "cid": "bafy…", "problems": ["…", …] }, …]
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { base58btc } from 'multiformats/bases/base58'
import { createPublicKey, verify } from 'node:crypto'

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

function publicKeyOf (did) {
  if (!did.startsWith('did:key:z')) throw new Error('origin is not a did:key')
  const bytes = base58btc.decode(did.slice('did:key:'.length))
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) throw new Error('origin is not an Ed25519 did:key')
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes.slice(2)]), format: 'der', type: 'spki' })
}

async function check (entry) {
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
  for (let i = 0; i < Math.min(commit.ops.length, entry.ops.length); i++) {
    const op = Buffer.from(entry.ops[i], 'hex')
    const opCid = CID.create(1, dagCbor.code, await sha256.digest(op))
    if (!opCid.equals(commit.ops[i])) { problems.push('operation-hash ' + i); continue }
    const decoded = dagCbor.decode(op)
    if (typeof decoded.coll !== 'string' || typeof decoded.id !== 'string' || !Array.isArray(decoded.fx)) problems.push('operation ' + i)
  }
  return { cid: entry.cid, problems }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const entries = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const results = []
for (const entry of entries) results.push(await check(entry))
process.stdout.write(JSON.stringify(results))
