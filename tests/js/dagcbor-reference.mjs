// Reference encoder for Causeway's DAG-CBOR cross-check (tests/Causeway.Tests/Encoding/JavaScriptReferenceTests.cs).
//
// stdin:  {"encode": [tagged value, ...], "decode": ["hex", ...]}
// stdout: {"encoded": [{"hex", "cid"} | {"error"}, ...], "decoded": [{"hex"} | {"error"}, ...]}
//
// "encode": each tagged value is built into a JS value, encoded with @ipld/dag-cbor and its CIDv1
// (dag-cbor, sha2-256) is computed with multiformats. "decode": each hex string (bytes the C# code
// produced) is decoded with @ipld/dag-cbor and encoded again.
//
// Tagged values (independent of the code under test):
//   {"t":"null"} {"t":"bool","v":true} {"t":"int","v":"-18446744073709551616"}
//   {"t":"float","bits":"3ff8000000000000"} {"t":"string","v":"..."} {"t":"bytes","hex":"..."}
//   {"t":"link","hex":"<binary CID>"} {"t":"list","items":[...]} {"t":"map","entries":[["k", value], ...]}
//
// Limitation: @ipld/dag-cbor encodes every JS number that is a safe integer (including -0) as a
// CBOR integer, so a float whose value is an integer of magnitude below 2^53 cannot be produced
// from JS. Such floats are rejected here with an error instead of being silently changed.
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'))
const toHex = (bytes) => Buffer.from(bytes).toString('hex')

function build (node) {
  switch (node.t) {
    case 'null': return null
    case 'bool': return node.v
    case 'int': {
      const big = BigInt(node.v)
      return (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) ? Number(big) : big
    }
    case 'float': {
      const view = new DataView(new ArrayBuffer(8))
      view.setBigUint64(0, BigInt('0x' + node.bits))
      const value = view.getFloat64(0)
      if (Number.isSafeInteger(value)) {
        throw new Error(`float ${Object.is(value, -0) ? '-0' : value} is an integral safe number; JS would encode it as an integer`)
      }
      return value
    }
    case 'string': return node.v
    case 'bytes': return fromHex(node.hex)
    case 'link': return CID.decode(fromHex(node.hex))
    case 'list': return node.items.map(build)
    case 'map': {
      const object = {}
      for (const [key, value] of node.entries) {
        // defineProperty so that keys like "__proto__" become ordinary own properties
        Object.defineProperty(object, key, { value: build(value), enumerable: true, writable: true, configurable: true })
      }
      return object
    }
    default: throw new Error(`unknown tag ${JSON.stringify(node.t)}`)
  }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const encoded = []
for (const node of input.encode ?? []) {
  try {
    const bytes = dagCbor.encode(build(node))
    const cid = CID.create(1, dagCbor.code, await sha256.digest(bytes))
    encoded.push({ hex: toHex(bytes), cid: cid.toString() })
  } catch (e) {
    encoded.push({ error: String(e?.message ?? e) })
  }
}

const decoded = []
for (const hex of input.decode ?? []) {
  try {
    decoded.push({ hex: toHex(dagCbor.encode(dagCbor.decode(fromHex(hex)))) })
  } catch (e) {
    decoded.push({ error: String(e?.message ?? e) })
  }
}

process.stdout.write(JSON.stringify({ encoded, decoded }))
