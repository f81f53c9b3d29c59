using Causeway.Encoding;
using Causeway.Errors;

namespace Causeway.Ledger;

/// <summary>What authorizes a commit's origin for every operation in it: a command that covers each
/// operation's command (<c>/doc/write</c>, <c>/doc/delete</c>, <c>/schema/write</c>) and the CIDs of
/// the UCAN delegations from the database's owner down to the origin, root first. In the block it
/// is the map <c>{"cmd": text, "prf": [links]}</c> (docs/ledger-format.md).</summary>
public sealed record CommitCapability(string Command, IReadOnlyList<Cid> Proofs)
{
    internal void Write(DagCborWriter writer)
    {
        writer.WriteStartMap(2);
        writer.WriteText("cmd"); writer.WriteText(Command);
        writer.WriteText("prf");
        Commit.WriteLinks(writer, Proofs);
        writer.WriteEndMap();
    }

    internal static CommitCapability Read(DagCborReader reader)
    {
        if (reader.ReadStartMap() != 2) throw new InvalidCommitException("Not a valid commit block: 'cap' is not {cmd, prf}.");
        if (reader.ReadText() != "cmd") throw new InvalidCommitException("Not a valid commit block: 'cap' is not {cmd, prf}.");
        string command = reader.ReadText();
        if (reader.ReadText() != "prf") throw new InvalidCommitException("Not a valid commit block: 'cap' is not {cmd, prf}.");
        var proofs = Commit.ReadLinks(reader);
        reader.ReadEndMap();
        if (!Authority.Command.IsValid(command)) throw new InvalidCommitException($"Not a valid commit block: 'cap' names '{Documents.Names.Clip(command)}', which is not a command.");
        return new CommitCapability(command, proofs);
    }
}
