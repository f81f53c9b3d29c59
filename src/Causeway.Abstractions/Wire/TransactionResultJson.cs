using System.Text.Json;

namespace Causeway.Wire;

/// <summary>The answer of <c>POST /v1/dbs/{db}/tx</c>: <c>{ "commit", "position", "created": [ID, ..] }</c>,
/// the write result with the ids the transaction generated, in order.</summary>
public static class TransactionResultJson
{
    public static void Write(Utf8JsonWriter w, TransactionResult result)
    {
        w.WriteStartObject();
        WriteResultJson.WriteMembers(w, result.Result);
        WireJson.WriteStrings(w, "created", result.Created);
        w.WriteEndObject();
    }

    public static TransactionResult Read(JsonElement json) => new(WriteResultJson.Read(json), WireJson.Strings(json, "created"));
}
