using System.Text.Json;
using Causeway.Replication;

namespace Causeway.Wire;

/// <summary>The answer of <c>GET /v1/dbs/{db}/peers</c>: <c>{ "peers": [ PEER, .. ] }</c>, each as
/// <see cref="PeerStatusJson"/>. <c>causeway peers</c> lists several databases at once, so each of
/// its peers also names its <c>database</c>.</summary>
public static class PeerListJson
{
    public static void Write(Utf8JsonWriter w, IEnumerable<PeerStatus> peers) => WireJson.WriteList(w, "peers", peers, (w, peer) => PeerStatusJson.Write(w, peer));

    /// <summary>Peers of several databases, each naming its own.</summary>
    public static void Write(Utf8JsonWriter w, IEnumerable<(string Database, PeerStatus Status)> peers)
        => WireJson.WriteList(w, "peers", peers, (w, peer) => PeerStatusJson.Write(w, peer.Status, peer.Database));

    public static IReadOnlyList<PeerStatus> Read(JsonElement json) => WireJson.Items(json, "peers", PeerStatusJson.Read);
}
