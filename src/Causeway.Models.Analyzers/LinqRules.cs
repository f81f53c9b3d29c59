using Microsoft.CodeAnalysis;

namespace Causeway.Models.Analyzers;

/// <summary>The diagnostics of typed LINQ queries. Every message reads as the run-time
/// <c>UntranslatableQueryException</c> does: <c>cannot translate '{expression}': {reason}</c>.</summary>
internal static class LinqRules
{
    public const string Category = "Causeway.Linq";
    private const string Message = "cannot translate '{0}': {1}";

    public static readonly DiagnosticDescriptor UnsupportedMethod = Rule("CW1001", "A method call with no query form",
        "The query translator knows string StartsWith and set or list Contains; any other method called on the document throws UntranslatableQueryException when the query runs.");

    public static readonly DiagnosticDescriptor TwoProperties = Rule("CW1002", "A comparison of two properties",
        "A query compares a property with a value; comparing two properties of the document throws UntranslatableQueryException when the query runs.");

    public static readonly DiagnosticDescriptor NotAProperty = Rule("CW1003", "An expression where a property is read",
        "Comparisons, prefixes, Contains, conditions and sort keys read a property chain of the document (x.Home.City); a computed value there throws UntranslatableQueryException when the query runs.");

    public static readonly DiagnosticDescriptor UnsupportedForm = Rule("CW1004", "StartsWith or Contains in a form with no query form",
        "StartsWith takes a string value and compares ordinally; Contains tests a value in a set property or a property in a list of values. Other forms throw UntranslatableQueryException when the query runs.");

    public static readonly DiagnosticDescriptor SetSize = Rule("CW1005", "A set's size",
        "The size of an AwSet or RwSet has no query form.");

    public static readonly DiagnosticDescriptor WholeValue = Rule("CW1006", "A set or nested object ordered by or compared as a value",
        "A sort key is a scalar, a counter, a flag, a reference or the id; a set or a nested object compares only with null.");

    public static readonly DiagnosticDescriptor CrdtValue = Rule("CW1007", "A counter or flag read without .Value or .IsEnabled",
        "A query reads a counter through .Value and a flag through .IsEnabled.");

    public static readonly DiagnosticDescriptor NotMapped = Rule("CW1008", "A member that is not mapped",
        "A query reads mapped properties only: not an [Ignore]d one, nor a member of a scalar such as string.Length.");

    public static readonly DiagnosticDescriptor RegisterRead = Rule("CW1009", "A multi-value register read as one value",
        "A query tests an MvReg<T>'s values with Contains, and compares an [MvReg] property with == and != (one of its values); a register's chosen value, .IsConflicted, an order, a prefix or a sort key have no query form.");

    private static DiagnosticDescriptor Rule(string id, string title, string description)
        => new(id, title, Message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description);
}
