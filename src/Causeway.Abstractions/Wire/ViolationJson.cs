using System.Text.Json;
using Causeway.Crdt;
using Causeway.Errors;

namespace Causeway.Wire;

/// <summary>A refusal's <see cref="Violation"/>, the <c>violation</c> member of a problem: <c>{ "rule":
/// "unique" | "check" | "reference" | "bound" | "required" | "type", "collection", "id", "fields": [ path, .. ] }</c>
/// and, where the rule has them, <c>"check"</c> (its name), <c>"other"</c> (collection/id), <c>"side"</c>
/// (<c>"lower"</c> | <c>"upper"</c>), <c>"bound"</c> and <c>"value"</c>; those it has not are left out.</summary>
public static class ViolationJson
{
    public static void Write(Utf8JsonWriter w, Violation violation)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(violation);
        w.WriteStartObject();
        w.WriteString("rule", RuleName(violation.Rule));
        w.WriteString("collection", violation.Collection);
        w.WriteString("id", violation.Id);
        WireJson.WriteStrings(w, "fields", violation.Fields);
        if (violation.Check is { } check) w.WriteString("check", check);
        if (violation.Other is { } other) w.WriteString("other", other);
        if (violation.Side is { } side) w.WriteString("side", SideName(side));
        if (violation.Bound is { } bound) w.WriteNumber("bound", bound);
        if (violation.Value is { } value) w.WriteNumber("value", value);
        w.WriteEndObject();
    }

    public static Violation Read(JsonElement json)
    {
        var rule = WireJson.String(json, "rule") switch
        {
            "unique" => ViolatedRule.Unique,
            "check" => ViolatedRule.Check,
            "reference" => ViolatedRule.Reference,
            "bound" => ViolatedRule.Bound,
            "required" => ViolatedRule.Required,
            "type" => ViolatedRule.Type,
            var name => throw new FormatException($"'rule' is '{Documents.Names.Clip(name)}', not one of unique, check, reference, bound, required, type."),
        };
        BoundSide? side = WireJson.NullableString(json, "side") switch
        {
            null => null,
            "lower" => BoundSide.Lower,
            "upper" => BoundSide.Upper,
            var name => throw new FormatException($"'side' is '{Documents.Names.Clip(name)}', not lower or upper."),
        };
        return new Violation(rule, WireJson.String(json, "collection"), WireJson.String(json, "id"), WireJson.Strings(json, "fields"))
        {
            Check = WireJson.NullableString(json, "check"),
            Other = WireJson.NullableString(json, "other"),
            Side = side,
            Bound = WireJson.NullableLong(json, "bound"),
            Value = WireJson.NullableLong(json, "value"),
        };
    }

    private static string RuleName(ViolatedRule rule) => rule.ToString().ToLowerInvariant();

    private static string SideName(BoundSide side) => side == BoundSide.Lower ? "lower" : "upper";
}
