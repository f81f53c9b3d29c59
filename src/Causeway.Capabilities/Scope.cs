using Causeway.Values;

namespace Causeway.Authority;

/// <summary>Policies for the common scopes of a delegation, so nobody writes selector syntax for them.
/// Each returns a policy (a list of statements) to pass to <see cref="Delegation.Create"/>.
/// A database covers its children: <c>acme</c> covers <c>acme.shop</c> and <c>acme.shop.eu</c>,
/// never <c>acmecorp</c>.</summary>
public static class Scope
{
    /// <summary>Any resource.</summary>
    public static Value Anything => Value.Array([]);

    /// <summary>A database and its children.</summary>
    public static Value Database(string db) => Policy(DatabaseStatement(Documents.Names.Database(db)));

    /// <summary>One collection of one database (not its children's).</summary>
    public static Value Collection(string db, string coll) => Policy(
        Equal(".db", Documents.Names.Database(db)),
        Equal(".coll", Documents.Names.Collection(coll)));

    /// <summary>The documents of a collection whose ids start with <paramref name="idPrefix"/> (a
    /// device's own orders, say).</summary>
    public static Value IdPrefix(string db, string coll, string idPrefix) => Policy(
        Equal(".db", Documents.Names.Database(db)),
        Equal(".coll", Documents.Names.Collection(coll)),
        Statement("like", ".id", Value.String(EscapeGlob(idPrefix) + "*")));

    /// <summary>One document.</summary>
    public static Value Document(string db, string coll, string id) => Policy(
        Equal(".db", Documents.Names.Database(db)),
        Equal(".coll", Documents.Names.Collection(coll)),
        Equal(".id", Documents.Names.DocumentId(id)));

    /// <summary>One stored function of one database: with <c>/fn/call</c>, a call-only key for it.</summary>
    public static Value Function(string db, string fn) => Policy(
        Equal(".db", Documents.Names.Database(db)),
        Equal(".fn", Functions.FunctionDefinition.CheckName(fn)));

    private static Value DatabaseStatement(string db) => Value.Array([Value.String("or"), Value.Array([
        Equal(".db", db),
        Statement("like", ".db", Value.String(EscapeGlob(db) + ".*"))])]);

    private static Value Equal(string selector, string value) => Statement("==", selector, Value.String(value));

    private static Value Statement(string op, string selector, Value operand) => Value.Array([Value.String(op), Value.String(selector), operand]);

    private static Value Policy(params Value[] statements) => Value.Array(statements);

    private static string EscapeGlob(string text) => text.Replace("*", "\\*");
}
