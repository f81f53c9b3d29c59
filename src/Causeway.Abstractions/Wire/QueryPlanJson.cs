using System.Text.Json;
using Causeway.Queries;

namespace Causeway.Wire;

/// <summary>The <c>plan</c> of a query answer asked with <c>?explain=true</c>:
/// <c>{ "access", "ranges": [..], "order", "fallback", "estimatedRows", "examinedRows", "indexKeysRead", "returnedRows" }</c>.</summary>
public static class QueryPlanJson
{
    public static void Write(Utf8JsonWriter w, QueryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(plan);
        w.WriteStartObject();
        w.WriteString("access", plan.Access);
        WireJson.WriteStrings(w, "ranges", plan.Ranges);
        w.WriteString("order", plan.Order);
        WireJson.WriteNullableString(w, "fallback", plan.Fallback);
        WireJson.WriteNullableNumber(w, "estimatedRows", plan.EstimatedRows);
        w.WriteNumber("examinedRows", plan.ExaminedRows);
        w.WriteNumber("indexKeysRead", plan.IndexKeysRead);
        w.WriteNumber("returnedRows", plan.ReturnedRows);
        w.WriteEndObject();
    }

    public static QueryPlan Read(JsonElement json) => new(
        WireJson.String(json, "access"), WireJson.Strings(json, "ranges"), WireJson.String(json, "order"), WireJson.NullableString(json, "fallback"),
        WireJson.NullableLong(json, "estimatedRows"), WireJson.Long(json, "examinedRows"), WireJson.Long(json, "indexKeysRead"), WireJson.Int(json, "returnedRows"));
}
