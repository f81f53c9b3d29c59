// Reads a CARv1 archive from stdin with the standard @ipld/car reader and checks every block
// against its CID. stdout: { "roots": [...], "blocks": N, "commits": N, "bad": [cid…] }
import { CarReader } from '@ipld/car'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const reader = await CarReader.fromBytes(Buffer.concat(chunks))
const roots = (await reader.getRoots()).map(r => r.toString())
let blocks = 0; let commits = 0; const bad = []
for await (const { cid, bytes } of reader.blocks()) {
  blocks++
  const again = CID.create(1, cid.code, await sha256.digest(bytes))
  if (!again.equals(cid)) bad.push(cid.toString())
  const value = dagCbor.decode(bytes)
  if (value && value.sig !== undefined && value.origin !== undefined) commits++
  else if (process.env.CAR_DEBUG) process.stderr.write(JSON.stringify(Object.keys(value)) + "\n")
}
process.stdout.write(JSON.stringify({ roots, blocks, commits, bad }))
