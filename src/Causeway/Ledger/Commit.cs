using Causeway.Clocks;
using Causeway.Encoding;
using Causeway.Errors;
using Causeway.Security;

namespace Causeway.Ledger;

/// <summary>The atomic unit of change, as stored and shipped: a DAG-CBOR block whose CID is the
/// commit's id. The origin signs the block's encoding without "sig"; operations are linked by the
/// CIDs of their own blocks, so a projection carrying only some operations still verifies.
/// docs/ledger-format.md is the exact specification.</summary>
public sealed class Commit
{
    public const int FormatVersion = 1;
    public const int SignatureLength = 64;

    private Commit(string database, string origin, long seq, HlcTimestamp time, Cid[] parents, Cid[] ops, CommitCapability? capability, byte[] signature, byte[] block, Cid id)
    {
        Database = database;
        Origin = origin;
        Seq = seq;
        Time = time;
        Parents = parents;
        Ops = ops;
        Capability = capability;
        Signature = signature;
        Block = block;
        Id = id;
    }

    public Cid Id { get; }
    public string Database { get; }

    /// <summary>The did:key of the replica that made the commit and signed it.</summary>
    public string Origin { get; }

    /// <summary>1, 2, 3… per origin: the origin's commits form an unbroken sequence.</summary>
    public long Seq { get; }

    /// <summary>How an error message names the commit: "commit CID (seq N of ORIGIN)" (made only when one is raised).</summary>
    internal string Description => $"commit {Id} (seq {Seq} of {Origin})";

    public HlcTimestamp Time { get; }

    /// <summary>The database heads the writer had seen, sorted by CID bytes.</summary>
    public IReadOnlyList<Cid> Parents { get; }

    /// <summary>CIDs of the operation blocks, in the order they apply.</summary>
    public IReadOnlyList<Cid> Ops { get; }

    /// <summary>What authorizes the origin for the commit's operations; null when the origin needs no
    /// proof (it owns the database, or the database has no owner).</summary>
    public CommitCapability? Capability { get; }

    public byte[] Signature { get; }

    /// <summary>The encoded block; <see cref="Id"/> is its CID.</summary>
    public byte[] Block { get; }

    /// <summary>Builds, signs and encodes a commit.</summary>
    public static Commit Create(string database, ReplicaIdentity signer, long seq, HlcTimestamp time, IEnumerable<Cid> parents, IReadOnlyList<Cid> ops, CommitCapability? capability = null, DagCborWriter? scratch = null)
    {
        var sortedParents = parents.ToArray();
        Array.Sort(sortedParents);
        var writer = scratch ?? new DagCborWriter();
        writer.Reset();
        Write(writer, database, signer.Did, seq, time, sortedParents, ops, capability, signature: null);
        var unsigned = writer.Encode();
        long start = Telemetry.Instruments.Start(Telemetry.Instruments.SignDuration);
        var signature = signer.Sign(unsigned);
        Telemetry.Instruments.RecordSince(Telemetry.Instruments.SignDuration, start);
        writer.Reset();
        Write(writer, database, signer.Did, seq, time, sortedParents, ops, capability, signature);
        var block = writer.Encode();
        return new Commit(database, signer.Did, seq, time, sortedParents, [.. ops], capability, signature, block, Cid.ForDagCbor(block));
    }

    /// <summary>The bytes the origin signs: the block's map without "sig".</summary>
    public byte[] UnsignedBytes()
    {
        var writer = new DagCborWriter();
        Write(writer, Database, Origin, Seq, Time, Parents, Ops, Capability, signature: null);
        return writer.Encode();
    }

    public bool HasValidSignature() => Signatures.Verify(Origin, UnsignedBytes(), Signature);

    /// <summary>Decodes a commit block. Anything that is not canonical DAG-CBOR or not shaped like
    /// a commit is refused with a message naming the problem; hash and signature are not checked here.</summary>
    public static Commit Decode(byte[] block)
    {
        var reader = new DagCborReader(block);
        int count = reader.ReadStartMap();
        string? database = null, origin = null;
        long seq = 0, time = 0, version = 0;
        Cid[]? parents = null, ops = null;
        CommitCapability? capability = null;
        byte[]? signature = null;
        bool sawCap = false;
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadText();
            switch (key)
            {
                case "v": version = reader.ReadInt64(); break;
                case "db": database = reader.ReadText(); break;
                case "seq": seq = reader.ReadInt64(); break;
                case "ops": ops = ReadLinks(reader); break;
                case "cap":
                    sawCap = true;
                    if (reader.PeekKind() == DagCborKind.Null) reader.ReadNull();
                    else capability = CommitCapability.Read(reader);
                    break;
                case "sig": signature = reader.ReadBytes(); break;
                case "time": time = reader.ReadInt64(); break;
                case "origin": origin = reader.ReadText(); break;
                case "parents": parents = ReadLinks(reader); break;
                default: throw Invalid($"unknown field '{Documents.Names.Clip(key)}'");
            }
        }
        reader.ReadEndMap();
        reader.ReadEnd();
        if (version != FormatVersion) throw Invalid($"format version {version} is not {FormatVersion}");
        if (database is null || origin is null || parents is null || ops is null || signature is null || !sawCap || count != 9)
            throw Invalid("a required field is missing (v, db, origin, seq, time, parents, ops, cap, sig)");
        if (seq < 1) throw Invalid("seq must be ≥ 1");
        if (time < 0) throw Invalid("time must be ≥ 0");
        if (signature.Length != SignatureLength) throw Invalid($"the signature is {signature.Length} bytes, not {SignatureLength}");
        for (int i = 1; i < parents.Length; i++)
            if (parents[i - 1].CompareTo(parents[i]) >= 0) throw Invalid("parents are not sorted and distinct");
        return new Commit(database, origin, seq, HlcTimestamp.FromRaw(time), parents, ops, capability, signature, block, Cid.ForDagCbor(block));
    }

    internal static Cid[] ReadLinks(DagCborReader reader)
    {
        int n = reader.ReadStartArray();
        var links = new Cid[n];
        for (int i = 0; i < n; i++) links[i] = reader.ReadLink();
        reader.ReadEndArray();
        return links;
    }

    private static void Write(DagCborWriter writer, string database, string origin, long seq, HlcTimestamp time, IReadOnlyList<Cid> parents, IReadOnlyList<Cid> ops, CommitCapability? capability, byte[]? signature)
    {
        writer.WriteStartMap(signature is null ? 8 : 9);
        writer.WriteText("v"); writer.WriteInt64(FormatVersion);
        writer.WriteText("db"); writer.WriteText(database);
        writer.WriteText("seq"); writer.WriteInt64(seq);
        writer.WriteText("ops");
        WriteLinks(writer, ops);
        writer.WriteText("cap");
        if (capability is null) writer.WriteNull(); else capability.Write(writer);
        if (signature is not null) { writer.WriteText("sig"); writer.WriteBytes(signature); }
        writer.WriteText("time"); writer.WriteInt64(time.Raw);
        writer.WriteText("origin"); writer.WriteText(origin);
        writer.WriteText("parents");
        WriteLinks(writer, parents);
        writer.WriteEndMap();
    }

    internal static void WriteLinks(DagCborWriter writer, IReadOnlyList<Cid> links)
    {
        writer.WriteStartArray(links.Count);
        foreach (var link in links) writer.WriteLink(link);
        writer.WriteEndArray();
    }

    private static InvalidCommitException Invalid(string why) => new($"Not a valid commit block: {why}.");
}
