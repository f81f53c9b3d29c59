using Causeway.Schemas;

namespace Causeway.Cli.Demos;

/// <summary>The Animal Exchange's data and the schema that guards it. The engine, not the demo, keeps
/// the promises: a balance is a bounded counter that cannot go below 0, an item's <c>available</c> a
/// bounded counter between 0 and 1 (for sale while it is 1), and references that never dangle.</summary>
internal static class ExchangeSchema
{
    public const string Database = "exchange";
    public const string Players = "players";
    public const string Items = "items";
    public const string Purchases = "purchases";
    public static readonly string[] Collections = [Players, Items, Purchases];

    private const string Json = """
        { "collections": {
            "players":   { "fields": { "name":      { "type": "string", "required": true },
                                       "credits":   { "kind": "bcounter", "min": 0 } } },
            "items":     { "fields": { "owner":     { "references": "players", "policy": "add-wins" },
                                       "name":      { "type": "string" },
                                       "price":     { "type": "integer" },
                                       "available": { "kind": "bcounter", "min": 0, "max": 1 } } },
            "purchases": { "fields": { "item":      { "references": "items", "policy": "remove-wins" },
                                       "buyer":     { "references": "players", "policy": "add-wins" },
                                       "seller":    { "references": "players", "policy": "add-wins" },
                                       "price":     { "type": "integer" } } } } }
        """;

    public static Schema Schema => SchemaJson.Parse(Json);
}
