using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Causeway.Models.Analyzers;

/// <summary>Walks one query lambda as the query translator (QueryTranslator.cs in Causeway.Models) walks
/// its expression tree, and reports where it would throw, with the translator's words. Each rule here
/// mirrors one throw there; where the outcome depends on a value known only when the query runs, or on
/// a form this walk does not know, it stays silent.</summary>
internal sealed class TranslationCheck(ModelSymbols symbols, IParameterSymbol parameter, ITypeSymbol document, Action<Diagnostic> report)
{
    private const string Supported = "a query translates comparisons of a property with a value, &&, ||, !, string StartsWith, set or list Contains, and == null";
    private const string Ordinal = "a prefix compares ordinally; write StartsWith(value) or StartsWith(value, StringComparison.Ordinal)";
    private const string RegisterScalar = "an [MvReg] property holds every concurrent value, so it compares only with == and != (one of its values is the value); make it an MvReg<T> to see them all";
    private const string MvRegRead = "a register's chosen value and whether it is conflicted have no query form; test its values with Contains";
    private const int OrdinalComparison = 4;   // StringComparison.Ordinal

    private enum Kind { Refused, Unknown, Scalar, Id, Counter, Ref, Flag, Set, Nested, Register }

    public void Predicate(IOperation e)
    {
        if (!Uses(e)) return;
        switch (e)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And or BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or, OperatorMethod: null } b when IsBool(b.Type):
                Predicate(b.LeftOperand);
                Predicate(b.RightOperand);
                return;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } u when IsBool(u.Type):
                Predicate(u.Operand);
                return;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual } b:
                Compare(b);
                return;
            case IInvocationOperation { TargetMethod.MethodKind: not MethodKind.DelegateInvoke } call:
                Call(call);
                return;
            case IPropertyReferenceOperation or IFieldReferenceOperation or IConditionalOperation or ICoalesceOperation when IsBool(e.Type) || IsNullableBool(e.Type):
                Field(e, "a condition", flag: false);
                return;
            case IConversionOperation conversion when IsFlagToBool(conversion):
                Field(conversion.Operand, "a condition", flag: true);
                return;
        }
    }

    public void SortKey(IOperation body)
    {
        var key = StripConvert(body, out bool unsure);
        if (unsure) return;
        var kind = Field(key, "a sort key", flag: false);
        if (kind is Kind.Set or Kind.Nested)
            Report(LinqRules.WholeValue, key, "a sort key is a scalar, a counter, a flag, a reference or the id, not a set or a nested object");
        else if (kind == Kind.Register) Report(LinqRules.RegisterRead, key, RegisterScalar);
    }

    private void Compare(IBinaryOperation b)
    {
        bool left = Uses(b.LeftOperand), right = Uses(b.RightOperand);
        if (left && right)
        {
            Report(LinqRules.TwoProperties, b, "a query compares a property with a value, not with another property");
            return;
        }
        var (fieldSide, valueSide) = left ? (b.LeftOperand, b.RightOperand) : (b.RightOperand, b.LeftOperand);
        bool flag = false;
        var target = StripConvert(fieldSide, out bool unsure);
        if (target is IConversionOperation conversion && IsFlagToBool(conversion)) (target, flag, unsure) = (conversion.Operand, true, false);
        if (unsure) return;
        var kind = Field(target, "a comparison", flag);
        bool ordered = b.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals);
        if (kind == Kind.Register && ordered) Report(LinqRules.RegisterRead, target, RegisterScalar);
        if (kind is not (Kind.Set or Kind.Nested)) return;
        string onlyNull = kind == Kind.Set
            ? "a set is compared only with null; test membership with Contains"
            : "a nested object is compared only with null; compare its properties";
        // Equality with a value other than null is refused when the predicate is built; certain only
        // for a value that is never null, such as a new object.
        if (ordered || StripConvert(valueSide, out _) is IObjectCreationOperation)
            Report(LinqRules.WholeValue, target, onlyNull);
    }

    private void Call(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        var arguments = call.Arguments;
        if (method.Name == "StartsWith" && method.ContainingType.SpecialType == SpecialType.System_String && call.Instance is { } text && Uses(text))
        {
            if (arguments.Length == 0 || arguments[0].Value.Type?.SpecialType != SpecialType.System_String || Uses(arguments[0].Value))
            {
                Report(LinqRules.UnsupportedForm, call, "StartsWith takes a string value");
                return;
            }
            if (arguments.Length == 2 && (Uses(arguments[1].Value) || arguments[1].Value.Type?.Name != "StringComparison"))
            {
                Report(LinqRules.UnsupportedForm, call, Ordinal);
                return;
            }
            if (arguments.Length > 2)
            {
                Report(LinqRules.UnsupportedForm, call, "a prefix compares ordinally, without culture");
                return;
            }
            var prefix = StripConvert(text, out bool unsure);
            if (unsure) return;
            var prefixed = Field(prefix, "a prefix", flag: false);
            if (prefixed == Kind.Refused) return;
            if (prefixed == Kind.Register)
            {
                Report(LinqRules.RegisterRead, prefix, RegisterScalar);
                return;
            }
            if (arguments.Length == 2 && arguments[1].Value.ConstantValue is { HasValue: true, Value: int comparison } && comparison != OrdinalComparison)
                Report(LinqRules.UnsupportedForm, call, Ordinal);
            else if (arguments[0].Value.ConstantValue is { HasValue: true, Value: null })
                Report(LinqRules.UnsupportedForm, arguments[0].Value, "StartsWith needs a string, not null");
            return;
        }
        if (method.Name == "Contains")
        {
            IOperation source, item;
            if (call.Instance is not null && arguments.Length == 1) (source, item) = (call.Instance, arguments[0].Value);
            // C# 14 binds an array's Contains to MemoryExtensions.Contains(span, item, comparer: null).
            else if (call.Instance is null && method.IsStatic && (arguments.Length == 2 || (arguments.Length == 3 && IsNull(arguments[2].Value))))
                (source, item) = (Unspan(arguments[0].Value), arguments[1].Value);
            else
            {
                Report(LinqRules.UnsupportedForm, call, "Contains takes one element");
                return;
            }
            if (source.Type?.SpecialType == SpecialType.System_String)
            {
                Report(LinqRules.UnsupportedForm, call, "substring search has no query form; use StartsWith for a prefix");
                return;
            }
            bool inSource = Uses(source), inItem = Uses(item);
            if (inSource && !inItem)
            {
                var set = StripConvert(source, out bool unsure);
                if (unsure) return;
                if (Field(set, "Contains", flag: false) is Kind.Scalar or Kind.Id or Kind.Counter or Kind.Ref or Kind.Flag or Kind.Nested or Kind.Register)
                    Report(LinqRules.UnsupportedForm, source, "Contains on a property needs an AwSet<T> or RwSet<T>");
            }
            else if (!inSource && inItem)
            {
                var scalar = StripConvert(item, out bool unsure);
                if (unsure) return;
                var member = Field(scalar, "Contains", flag: false);
                if (member is Kind.Set or Kind.Nested)
                    Report(LinqRules.UnsupportedForm, item, "membership in a list is tested for a scalar property");
                else if (member == Kind.Register) Report(LinqRules.RegisterRead, scalar, RegisterScalar);
            }
            else Report(LinqRules.UnsupportedForm, call, "Contains tests a value in a set property, or a property in a list of values");
            return;
        }
        Report(LinqRules.UnsupportedMethod, call, $"{Declared(method).ContainingType.MetadataName}.{method.Name} has no query form; {Supported}");
    }

    /// <summary>The property chain <paramref name="e"/> reads, as the translator's <c>Field</c> resolves
    /// it: its kind, <see cref="Kind.Refused"/> once reported, or <see cref="Kind.Unknown"/> when not
    /// sure. <paramref name="flag"/>: <paramref name="e"/> is a flag read as a bool (its IsEnabled).</summary>
    private Kind Field(IOperation e, string what, bool flag)
    {
        // A dictionary's entry, x.Sizes["small"]: the key is a value of the query.
        if (e is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } entries } entry && symbols.IsDictionary(entries.Type))
        {
            foreach (var argument in entry.Arguments)
                if (Uses(argument.Value)) return Refuse(LinqRules.NotAProperty, e, "a dictionary key is a value, not read from the document");
            var dictionary = StripConvert(entries, out bool unsure);
            // Whether its value type maps, and how it compares, the walk does not know for sure.
            return unsure || Field(dictionary, what, flag: false) == Kind.Refused ? Kind.Refused : Kind.Unknown;
        }
        var chain = new List<IPropertySymbol>();
        var at = e;
        while (at is IPropertyReferenceOperation { Instance: { } instance, Property: { IsIndexer: false } property })
        {
            chain.Insert(0, property);
            at = StripConvert(instance, out bool unsure);
            if (unsure) return Kind.Unknown;
        }
        if (!(at is IParameterReferenceOperation reference && ModelSymbols.Same(reference.Parameter, parameter)) || chain.Count == 0)
            return Refuse(LinqRules.NotAProperty, e, $"{what} reads a property of {document.Name} (a chain such as x.Home.City), and this is not one");
        if (!flag && chain.Count == 1 && chain[0].Name == "Id" && ModelSymbols.Same(chain[0].ContainingType, document)) return Kind.Id;
        var kind = Kind.Scalar;
        var last = chain[chain.Count - 1];
        if (flag) kind = Kind.Flag;
        else if (ModelSymbols.Same(last.ContainingType, symbols.Counter) && last.Name == "Value") kind = Kind.Counter;
        else if (ModelSymbols.Same(last.ContainingType, symbols.Flag) && last.Name == "IsEnabled") kind = Kind.Flag;
        else if (ModelSymbols.IsOf(last.ContainingType, symbols.Ref) && last.Name == "Id") kind = Kind.Ref;
        else if (ModelSymbols.IsOf(last.ContainingType, symbols.CrdtSet) && last.Name == "Count")
            return Refuse(LinqRules.SetSize, e, "a set's size has no query form");
        else if (symbols.IsMvReg(last.ContainingType))
        {
            if (last.Name != "Values") return Refuse(LinqRules.RegisterRead, e, MvRegRead);
            kind = Kind.Set;
        }
        if (kind is Kind.Counter or Kind.Ref or Kind.Set || (kind == Kind.Flag && !flag)) chain.RemoveAt(chain.Count - 1);
        if (chain.Count == 0) return Kind.Unknown;
        for (int i = 0; i < chain.Count; i++)
        {
            var property = chain[i];
            var owner = i == 0 ? document : chain[i - 1].Type;
            // A member of a scalar (string.Length) has no map, nor has the document's Id beyond the
            // id itself; a property of the document or of a nested object is mapped unless ignored,
            // as far as this walk can know.
            bool unmapped = symbols.IsIgnored(property) || (i == 0 && property.Name == "Id") || (i > 0 && !symbols.IsNestedClass(owner));
            if (unmapped)
                return Refuse(LinqRules.NotMapped, e, $"{property.ContainingType.MetadataName}.{property.Name} is not a mapped member of {document.Name}");
            if (!ModelSymbols.Same(property.ContainingType, owner)) return Kind.Unknown;
        }
        if (kind != Kind.Scalar) return kind;
        var type = chain[chain.Count - 1].Type;
        if (symbols.IsNestedClass(type)) return Kind.Nested;
        if (symbols.IsSet(type) || symbols.IsMvReg(type) || ModelSymbols.IsScalarList(type)) return Kind.Set;   // a list or a register is tested by Contains as a set is
        if (ModelSymbols.ListElement(type) is not null) return Kind.Unknown;           // a list the walk is not sure the model maps
        if (symbols.IsCrdtValue(type))
            return Refuse(LinqRules.CrdtValue, e, $"read a {type.Name} through .{(ModelSymbols.Same(type, symbols.Flag) ? "IsEnabled" : "Value")}");
        return symbols.IsRegister(chain[chain.Count - 1]) ? Kind.Register : Kind.Scalar;
    }

    /// <summary>Conversions the translator looks through (numeric, nullable, reference, as); one it
    /// keeps (a user-defined operator, or decimal's, which expression trees call as a method) is unsure.</summary>
    private static IOperation StripConvert(IOperation e, out bool unsure)
    {
        unsure = false;
        while (e is IConversionOperation c)
        {
            if (c.Conversion.IsUserDefined || IsDecimal(c.Type) || IsDecimal(c.Operand.Type))
            {
                unsure = true;
                return e;
            }
            e = c.Operand;
        }
        return e;
    }

    private static bool IsDecimal(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_Decimal || UnderNullable(type) == SpecialType.System_Decimal;

    private static SpecialType UnderNullable(ITypeSymbol? type)
        => type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0].SpecialType : SpecialType.None;

    /// <summary><c>array.Contains(x)</c> may bind through a span conversion; the array is the source.</summary>
    private static IOperation Unspan(IOperation e)
        => e is IConversionOperation { Type: INamedTypeSymbol { Name: "ReadOnlySpan" or "Span", ContainingNamespace.Name: "System" } } span ? span.Operand : e;

    private bool IsFlagToBool(IConversionOperation conversion)
        => conversion.Conversion.IsUserDefined && conversion.OperatorMethod is { Name: "op_Implicit" } op && ModelSymbols.Same(op.ContainingType, symbols.Flag);

    /// <summary>The method a call names in an expression tree: an override is called as the method it overrides.</summary>
    private static IMethodSymbol Declared(IMethodSymbol method)
    {
        while (method.OverriddenMethod is { } overridden) method = overridden;
        return method;
    }

    private static bool IsNull(IOperation e)
    {
        while (e is IConversionOperation c) e = c.Operand;
        return e.ConstantValue is { HasValue: true, Value: null } || e is IDefaultValueOperation { Type.IsReferenceType: true };
    }

    private static bool IsBool(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_Boolean;

    private static bool IsNullableBool(ITypeSymbol? type) => UnderNullable(type) == SpecialType.System_Boolean;

    private bool Uses(IOperation e)
    {
        if (e is IParameterReferenceOperation p && ModelSymbols.Same(p.Parameter, parameter)) return true;
        foreach (var child in e.Descendants())
            if (child is IParameterReferenceOperation reference && ModelSymbols.Same(reference.Parameter, parameter)) return true;
        return false;
    }

    private Kind Refuse(DiagnosticDescriptor rule, IOperation at, string reason)
    {
        Report(rule, at, reason);
        return Kind.Refused;
    }

    private void Report(DiagnosticDescriptor rule, IOperation at, string reason)
        => report(Diagnostic.Create(rule, at.Syntax.GetLocation(), at.Syntax.ToString(), reason));
}
