using System.Text.Json;

namespace Causeway.Wire;

/// <summary>One page of the polling changes feed: the changes and the position to poll from next.</summary>
public sealed record ChangesPage(IReadOnlyList<Change> Changes, long Last);

/// <summary>The answer of <c>GET /v1/dbs/{db}/changes</c>: <c>{ "changes": [ CHANGE, .. ], "last": N }</c>,
/// each change as <see cref="ChangeJson"/>.</summary>
public static class ChangesPageJson
{
    public static void Write(Utf8JsonWriter w, ChangesPage page)
    {
        w.WriteStartObject();
        WireJson.WriteArray(w, "changes", page.Changes, ChangeJson.Write);
        w.WriteNumber("last", page.Last);
        w.WriteEndObject();
    }

    public static ChangesPage Read(JsonElement json) => new(WireJson.Items(json, "changes", ChangeJson.Read), WireJson.Long(json, "last"));
}
