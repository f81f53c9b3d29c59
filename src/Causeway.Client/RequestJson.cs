using System.Text.Json;
using Causeway.Documents;
using Causeway.Values;

namespace Causeway.Client;

/// <summary>What the client sends, with <see cref="Utf8JsonWriter"/> (no reflection). Values go out in
/// the tagged form the server reads (<c>{"$decimal"}</c>, <c>{"$time"}</c>, <c>{"$bytes"}</c>, doubles
/// with a fraction) so a remote write stores exactly what the same embedded write stores. The answers
/// are read with the codecs the server writes them with (<c>Causeway.Wire</c>).</summary>
internal static class RequestJson
{
    /// <summary>Values go out in the typed form, so every kind arrives as itself.</summary>
    public static void WriteValue(Utf8JsonWriter writer, Value value) => ValueJson.Write(writer, value, typed: true);

    public static void WriteFieldOps(Utf8JsonWriter writer, IReadOnlyList<FieldOp> ops)
    {
        writer.WriteStartArray("ops");
        foreach (var op in ops) op.WriteJson(writer, typed: true);
        writer.WriteEndArray();
    }
}
