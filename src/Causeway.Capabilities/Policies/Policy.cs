using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Authority.Policies;

/// <summary>A UCAN policy: a list of statements, all of which must hold.</summary>
public sealed class Policy
{
    private readonly Statement[] _statements;

    private Policy(Statement[] statements) => _statements = statements;

    public IReadOnlyList<Statement> Statements => _statements;

    public static Policy Parse(Value form)
    {
        if (form.Kind != ValueKind.Array) throw new InvalidInputException(ErrorCodes.InvalidValue, "Not a policy: a policy is a list of statements.");
        return new Policy([.. form.AsArray().Select(Statement.Parse)]);
    }

    public static Policy Parse(string json) => Parse(ValueJson.Parse(json));

    /// <summary>Whether every statement holds for <paramref name="args"/>. A policy that cannot be
    /// evaluated (a selector without <c>?</c> finds nothing) does not hold.</summary>
    public bool Matches(Value args)
    {
        try { return _statements.All(s => s.Evaluate(args)); }
        catch (PolicyException) { return false; }
    }
}
