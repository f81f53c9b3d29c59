using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Causeway.Errors;
using Causeway.Queries;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>An expression of a typed query that has no form in the query AST. The message names the
/// exact sub-expression: <c>cannot translate 'x.Name.ToUpper()': …</c>.</summary>
public sealed class UntranslatableQueryException(string expression, string reason)
    : InvalidInputException(ErrorCodes.InvalidOp, $"cannot translate '{expression}': {reason}")
{
    /// <summary>The sub-expression that does not translate, as C# expression trees print it.</summary>
    public string Expression { get; } = expression;
}

/// <summary>Translates lambdas of a typed query to predicates and paths. Each lambda is reduced to its
/// shape (node kinds, members, methods, with every sub-expression that does not read the document
/// replaced by a slot) and the values of those slots; the translation of a shape is made once per
/// class map and kept, so a query seen before costs a walk of its tree and the slots' values.</summary>
internal static class QueryTranslator
{
    public static Predicate Where(EntityMap map, LambdaExpression lambda)
    {
        var walker = new ShapeWalker(lambda.Parameters[0], 'W', recordSlots: false);
        walker.Walk(lambda.Body);
        string key = walker.Key;
        if (!map.Translations.TryGetValue(key, out var cached))
        {
            var made = new Translation(map, lambda.Parameters[0], SlotsOf(lambda, 'W')).Predicate(lambda.Body);
            map.Translations.TryAdd(key, made);
            return made.Build(walker.Values);
        }
        try { return ((Node)cached).Build(walker.Values); }
        catch (UntranslatableQueryException)
        {
            // The cached template was made from another lambda of this shape, and its message would
            // name that lambda's text: translate this one again so the message names its own.
            return new Translation(map, lambda.Parameters[0], SlotsOf(lambda, 'W')).Predicate(lambda.Body).Build(walker.Values);
        }
    }

    public static string OrderPath(EntityMap map, LambdaExpression lambda)
    {
        var walker = new ShapeWalker(lambda.Parameters[0], 'O', recordSlots: false);
        walker.Walk(lambda.Body);
        string key = walker.Key;
        if (map.Translations.TryGetValue(key, out var cached)) return (string)cached;
        var body = Translation.StripConvert(lambda.Body);
        var field = new Translation(map, lambda.Parameters[0], SlotsOf(lambda, 'O')).Field(body, "a sort key");
        if (field.Kind is FieldKind.Set or FieldKind.Nested)
            throw new UntranslatableQueryException(body.ToString(), "a sort key is a scalar, a counter, a flag, a reference or the id, not a set or a nested object");
        if (field.Kind == FieldKind.Register) throw new UntranslatableQueryException(body.ToString(), Translation.RegisterScalar);
        if (field.KeySlot >= 0) return field.PathIn(walker.Values, body.ToString());   // its key is a value: not cached by shape
        map.Translations.TryAdd(key, field.Path);
        return field.Path;
    }

    /// <summary>Which sub-expression is which slot: walked again, only when a shape is new.</summary>
    private static Dictionary<Expression, int> SlotsOf(LambdaExpression lambda, char kind)
    {
        var walker = new ShapeWalker(lambda.Parameters[0], kind, recordSlots: true);
        walker.Walk(lambda.Body);
        return walker.Slots!;
    }

    private static bool AnyUses(System.Collections.ObjectModel.ReadOnlyCollection<Expression> arguments, ParameterExpression parameter)
    {
        foreach (var argument in arguments)
            if (UsesParameter(argument, parameter)) return true;
        return false;
    }

    internal static bool UsesParameter(Expression? e, ParameterExpression parameter) => e switch
    {
        null => false,
        ParameterExpression p => p == parameter,
        ConstantExpression => false,
        MemberExpression m => UsesParameter(m.Expression, parameter),
        UnaryExpression u => UsesParameter(u.Operand, parameter),
        BinaryExpression b => UsesParameter(b.Left, parameter) || UsesParameter(b.Right, parameter),
        MethodCallExpression c => UsesParameter(c.Object, parameter) || AnyUses(c.Arguments, parameter),
        _ => new Finder(parameter).Finds(e),
    };

    /// <summary>C# 14 binds <c>array.Contains(x)</c> to <c>MemoryExtensions.Contains</c> through an
    /// implicit span conversion, which cannot be evaluated to an object: the array itself is the value.</summary>
    internal static Expression Unspan(Expression e)
    {
        if (e.Type.IsGenericType && (e.Type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>) || e.Type.GetGenericTypeDefinition() == typeof(Span<>)))
        {
            if (e is MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var inner] }) return inner;
            if (e is UnaryExpression { NodeType: ExpressionType.Convert } u) return u.Operand;
        }
        return e;
    }

    private sealed class Finder(ParameterExpression parameter) : ExpressionVisitor
    {
        private bool _found;

        public bool Finds(Expression e)
        {
            Visit(e);
            return _found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == parameter) _found = true;
            return node;
        }
    }

    /// <summary>Walks a lambda's body once: the shape as text, and the value of each sub-expression
    /// that does not read the document (a constant, a captured variable, a computed value).</summary>
    private sealed class ShapeWalker(ParameterExpression parameter, char kind, bool recordSlots)
    {
        private readonly StringBuilder _key = new StringBuilder(256).Append(kind).Append(parameter.Type.TypeHandle.Value).Append(':');
        private readonly List<object?> _values = new(8);
        public Dictionary<Expression, int>? Slots { get; } = recordSlots ? new(ReferenceEqualityComparer.Instance) : null;
        public List<object?> Values => _values;
        public string Key => _key.ToString();

        public void Walk(Expression e)
        {
            if (!UsesParameter(e, parameter))
            {
                _key.Append('$').Append(e.Type.TypeHandle.Value).Append(';');
                if (Slots is not null) Slots[e] = _values.Count;
                _values.Add(recordSlots ? null : Evaluate(e));
                return;
            }
            switch (e)
            {
                case BinaryExpression b:
                    _key.Append('(').Append((int)b.NodeType).Append(' ');
                    Walk(b.Left);
                    Walk(b.Right);
                    _key.Append(')');
                    break;
                case UnaryExpression u:
                    _key.Append('u').Append((int)u.NodeType).Append(',').Append(u.Type.TypeHandle.Value).Append(' ');
                    Walk(u.Operand);
                    break;
                case MemberExpression m:
                    Walk(m.Expression!);
                    _key.Append('.').Append(m.Member.Name);
                    break;
                case MethodCallExpression c:
                    _key.Append('m').Append(c.Method.MethodHandle.Value).Append('(');
                    if (c.Object is not null) Walk(c.Object);
                    foreach (var argument in c.Arguments) Walk(Unspan(argument));
                    _key.Append(')');
                    break;
                case ParameterExpression:
                    _key.Append('p');
                    break;
                default:
                    // Not translatable: the translation says why; a unique key keeps it out of others' way.
                    _key.Append('?').Append((int)e.NodeType).Append(e);
                    break;
            }
        }

        /// <summary>A number converted as C# converts it (<c>25 &gt; x.Price</c> compares with 25.0 when Price is a double).</summary>
        private static object? Numeric(object? value, Type type)
        {
            var target = Nullable.GetUnderlyingType(type) ?? type;
            if (value is null || value.GetType() == target || !(target.IsPrimitive || target == typeof(decimal)) || value is not IConvertible) return value;
            return System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
        }

        private static object? Evaluate(Expression e)
        {
            try
            {
                return e switch
                {
                    ConstantExpression c => c.Value,
                    MemberExpression { Member: FieldInfo f } m => f.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
                    MemberExpression { Member: PropertyInfo p } m => p.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
                    UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked, Method: null } u
                        when !u.Type.IsByRefLike && !u.Operand.Type.IsByRefLike => Numeric(Evaluate(u.Operand), u.Type),
                    UnaryExpression { NodeType: ExpressionType.Convert, Method: { IsStatic: true } method } u
                        when !u.Type.IsByRefLike => method.Invoke(null, [Evaluate(u.Operand)]),
                    _ when e.Type.IsByRefLike => throw new UntranslatableQueryException(e.ToString(), "a span has no document form"),
                    _ => System.Linq.Expressions.Expression.Lambda<Func<object?>>(System.Linq.Expressions.Expression.Convert(e, typeof(object))).Compile(preferInterpretation: true)(),
                };
            }
            catch (TargetInvocationException t) when (t.InnerException is { } inner)
            {
                throw new UntranslatableQueryException(e.ToString(), $"evaluating it threw {inner.GetType().Name}: {inner.Message}");
            }
        }
    }
}

/// <summary><see cref="Register"/>: a scalar property kept as an mvreg (<c>[MvReg]</c>), stored as the array of its values.</summary>
internal enum FieldKind { Scalar, Id, Counter, Ref, Flag, Set, Nested, Register }

/// <param name="Enum">The enum type of a scalar enum property (stored as its name), else null.</param>
/// <param name="KeySlot">For a dictionary entry (<c>x.Sizes["small"]</c>), the slot of its key, else -1.</param>
internal readonly record struct FieldInfoOf(string Path, FieldKind Kind, Type? Enum = null, int KeySlot = -1)
{
    /// <summary>The stored path with this query's values: a dictionary entry's key is a value of the
    /// query (one cached shape serves every key), so its path is completed here.</summary>
    public string PathIn(List<object?> values, string expression)
    {
        if (KeySlot < 0) return Path;
        if (values[KeySlot] is not string key) throw new UntranslatableQueryException(expression, "a dictionary entry is named by a string key");
        try { Documents.FieldPath.CheckName(key, topLevel: false); }
        catch (Errors.InvalidInputException e) { throw new UntranslatableQueryException(expression, $"a dictionary key is a field name: {e.Message.TrimEnd('.')}"); }
        return $"{Path}.{key}";
    }
}

/// <summary>Turns one shape into a template (a tree of <see cref="Node"/>s that builds the predicate
/// from the slots' values). Runs once per shape.</summary>
internal sealed class Translation(EntityMap map, ParameterExpression parameter, Dictionary<Expression, int> slots)
{
    private const string Supported = "a query translates comparisons of a property with a value, &&, ||, !, string StartsWith, set or list Contains, and == null";

    public static Expression StripConvert(Expression e)
    {
        while (e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs, Method: null } u) e = u.Operand;
        return e;
    }

    private bool Uses(Expression e) => QueryTranslator.UsesParameter(e, parameter);

    private int Slot(Expression e) => slots.TryGetValue(e, out int slot) ? slot
        : throw new UntranslatableQueryException(e.ToString(), "its value could not be taken");

    public Node Predicate(Expression e)
    {
        if (!Uses(e))
        {
            if (e.Type != typeof(bool)) throw new UntranslatableQueryException(e.ToString(), "a condition is a bool");
            return new ConstantNode(Slot(e));
        }
        switch (e)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.And } b when b.Type == typeof(bool):
                return new JunctionNode(and: true, Predicate(b.Left), Predicate(b.Right));
            case BinaryExpression { NodeType: ExpressionType.OrElse or ExpressionType.Or } b when b.Type == typeof(bool):
                return new JunctionNode(and: false, Predicate(b.Left), Predicate(b.Right));
            case UnaryExpression { NodeType: ExpressionType.Not } u when u.Type == typeof(bool):
                return new NotNode(Predicate(u.Operand));
            case BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual } b:
                return Compare(b);
            case MethodCallExpression call:
                return Call(call);
            default:
            {
                var stripped = StripFlag(e);
                if (stripped.Type == typeof(bool) || stripped.Type == typeof(bool?))
                {
                    var field = Field(stripped, "a condition");
                    return new CompareNode(field, ComparisonOperator.Eq, -1, "true", stripped.ToString());
                }
                throw new UntranslatableQueryException(e.ToString(), Supported);
            }
        }
    }

    /// <summary><c>(bool)x.Flag</c> (the implicit conversion) reads as <c>x.Flag.IsEnabled</c>.</summary>
    private static Expression StripFlag(Expression e)
    {
        if (e is UnaryExpression { NodeType: ExpressionType.Convert, Method: { Name: "op_Implicit" } m } u && m.DeclaringType == typeof(Flag))
            return System.Linq.Expressions.Expression.Property(u.Operand, nameof(Flag.IsEnabled));
        if (e is MethodCallExpression { Method: { Name: "op_Implicit" } m2, Arguments: [var arg] } && m2.DeclaringType == typeof(Flag))
            return System.Linq.Expressions.Expression.Property(arg, nameof(Flag.IsEnabled));
        return e;
    }

    private Node Compare(BinaryExpression b)
    {
        var op = b.NodeType switch
        {
            ExpressionType.Equal => ComparisonOperator.Eq,
            ExpressionType.NotEqual => ComparisonOperator.Ne,
            ExpressionType.LessThan => ComparisonOperator.Lt,
            ExpressionType.LessThanOrEqual => ComparisonOperator.Lte,
            ExpressionType.GreaterThan => ComparisonOperator.Gt,
            _ => ComparisonOperator.Gte,
        };
        Expression fieldSide, valueSide;
        bool left = Uses(b.Left), right = Uses(b.Right);
        if (left && right) throw new UntranslatableQueryException(b.ToString(), "a query compares a property with a value, not with another property");
        if (left) (fieldSide, valueSide) = (b.Left, b.Right);
        else
        {
            (fieldSide, valueSide) = (b.Right, b.Left);
            op = op switch
            {
                ComparisonOperator.Lt => ComparisonOperator.Gt,
                ComparisonOperator.Lte => ComparisonOperator.Gte,
                ComparisonOperator.Gt => ComparisonOperator.Lt,
                ComparisonOperator.Gte => ComparisonOperator.Lte,
                _ => op,
            };
        }
        var target = StripFlag(StripConvert(fieldSide));
        var field = Field(target, "a comparison");
        if (field.Kind is FieldKind.Set or FieldKind.Nested && op is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
            throw new UntranslatableQueryException(target.ToString(), CompareNode.OnlyNull(field.Kind));
        if (field.Kind == FieldKind.Register && op is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
            throw new UntranslatableQueryException(target.ToString(), RegisterScalar);
        // Stored names order alphabetically, not as the enum's numbers do, so only equality translates.
        if (field.Enum is not null && op is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
            throw new UntranslatableQueryException(b.ToString(), "an enum is stored as its name, so it compares only with == and !=");
        return new CompareNode(field, op, Slot(valueSide), valueSide.ToString(), target.ToString());
    }

    private Node Call(MethodCallExpression call)
    {
        var method = call.Method;
        if (method.Name == nameof(string.StartsWith) && method.DeclaringType == typeof(string) && call.Object is { } text && Uses(text))
        {
            if (call.Arguments.Count == 0 || call.Arguments[0].Type != typeof(string) || Uses(call.Arguments[0]))
                throw new UntranslatableQueryException(call.ToString(), "StartsWith takes a string value");
            if (call.Arguments.Count == 2 && (Uses(call.Arguments[1]) || call.Arguments[1].Type != typeof(StringComparison)))
                throw new UntranslatableQueryException(call.ToString(), PrefixNode.Ordinal);
            if (call.Arguments.Count > 2) throw new UntranslatableQueryException(call.ToString(), "a prefix compares ordinally, without culture");
            var prefixed = StripConvert(text);
            var field = Field(prefixed, "a prefix");
            if (field.Kind == FieldKind.Register) throw new UntranslatableQueryException(prefixed.ToString(), RegisterScalar);
            // The comparison is a slot like any value: checked when the predicate is built, since the cache
            // keeps one translation for every StringComparison.
            return new PrefixNode(field, Slot(call.Arguments[0]), call.Arguments[0].ToString(),
                call.Arguments.Count == 2 ? Slot(call.Arguments[1]) : -1, call.ToString());
        }
        if (method.Name == "Contains")
        {
            Expression source, item;
            if (call.Object is not null && call.Arguments.Count == 1) (source, item) = (call.Object, call.Arguments[0]);
            // C# 14 binds an enum array's Contains to MemoryExtensions.Contains(span, item, comparer: null).
            else if (call.Object is null && method.IsStatic && (call.Arguments.Count == 2 || call.Arguments is [_, _, ConstantExpression { Value: null }]))
                (source, item) = (QueryTranslator.Unspan(call.Arguments[0]), call.Arguments[1]);
            else throw new UntranslatableQueryException(call.ToString(), "Contains takes one element");
            if (source.Type == typeof(string))
                throw new UntranslatableQueryException(call.ToString(), "substring search has no query form; use StartsWith for a prefix");
            if (Uses(source) && !Uses(item))
            {
                var field = Field(StripConvert(source), "Contains");
                if (field.Kind != FieldKind.Set) throw new UntranslatableQueryException(source.ToString(), "Contains on a property needs an AwSet<T> or RwSet<T>");
                return new ContainsNode(field.Path, Slot(item), item.ToString());
            }
            if (!Uses(source) && Uses(item))
            {
                var field = Field(StripConvert(item), "Contains");
                if (field.Kind is FieldKind.Set or FieldKind.Nested) throw new UntranslatableQueryException(item.ToString(), "membership in a list is tested for a scalar property");
                if (field.Kind == FieldKind.Register) throw new UntranslatableQueryException(StripConvert(item).ToString(), RegisterScalar);
                return new InNode(field, Slot(source), source.ToString());
            }
            throw new UntranslatableQueryException(call.ToString(), "Contains tests a value in a set property, or a property in a list of values");
        }
        throw new UntranslatableQueryException(call.ToString(), $"{method.DeclaringType?.Name}.{method.Name} has no query form; {Supported}");
    }

    public const string RegisterScalar = "an [MvReg] property holds every concurrent value, so it compares only with == and != (one of its values is the value); make it an MvReg<T> to see them all";

    public const string MvRegRead = "a register's chosen value and whether it is conflicted have no query form; test its values with Contains";

    private static bool IsDictionary(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    /// <summary>The stored path a member chain from the parameter reads: <c>x.Home.City</c> is
    /// <c>home.city</c>, <c>x.Credits.Value</c> the counter, <c>x.Owner.Id</c> the reference, <c>x.Id</c> <c>_id</c>.</summary>
    public FieldInfoOf Field(Expression e, string what)
    {
        var chain = new List<PropertyInfo>();
        var at = e;
        int keySlot = -1;
        if (e is MethodCallExpression { Method.Name: "get_Item", Object: { } entries, Arguments: [var key] } && IsDictionary(entries.Type))
        {
            if (Uses(key)) throw new UntranslatableQueryException(e.ToString(), "a dictionary key is a value, not read from the document");
            keySlot = Slot(key);
            at = StripConvert(entries);
        }
        while (at is MemberExpression { Member: PropertyInfo property } member)
        {
            chain.Insert(0, property);
            at = StripConvert(member.Expression!);
        }
        if (at != parameter || chain.Count == 0)
            throw new UntranslatableQueryException(e.ToString(), $"{what} reads a property of {map.Type.Name} (a chain such as x.Home.City), and this is not one");
        if (chain.Count == 1 && chain[0].Name == "Id" && chain[0].DeclaringType == map.Type) return new(QueryPath.IdText, FieldKind.Id);
        var kind = FieldKind.Scalar;
        var last = chain[^1];
        if (last.DeclaringType == typeof(Counter) && last.Name == nameof(Counter.Value)) { kind = FieldKind.Counter; chain.RemoveAt(chain.Count - 1); }
        else if (last.DeclaringType == typeof(Flag) && last.Name == nameof(Flag.IsEnabled)) { kind = FieldKind.Flag; chain.RemoveAt(chain.Count - 1); }
        else if (last.DeclaringType is { IsGenericType: true } d && d.GetGenericTypeDefinition() == typeof(Ref<>) && last.Name == "Id") { kind = FieldKind.Ref; chain.RemoveAt(chain.Count - 1); }
        else if (last.DeclaringType is { IsGenericType: true } s && s.GetGenericTypeDefinition() == typeof(CrdtSet<>) && last.Name == "Count")
            throw new UntranslatableQueryException(e.ToString(), "a set's size has no query form");
        else if (last.DeclaringType is { IsGenericType: true } r && r.GetGenericTypeDefinition() == typeof(MvReg<>))
        {
            // The stored field is the array of every value: Contains tests one; the value a read
            // chooses, and whether there are several, are the object's, not the document's.
            if (last.Name != nameof(MvReg<string>.Values)) throw new UntranslatableQueryException(e.ToString(), MvRegRead);
            kind = FieldKind.Set;
            chain.RemoveAt(chain.Count - 1);
        }
        if (chain.Count == 0) throw new UntranslatableQueryException(e.ToString(), $"{what} reads a property of {map.Type.Name}");
        MemberMap found;
        try { found = map.Member(chain); }
        catch (InvalidInputException x) { throw new UntranslatableQueryException(e.ToString(), x.Message.TrimEnd('.')); }
        if (keySlot >= 0)
        {
            if (!IsDictionary(found.Property.PropertyType)) throw new UntranslatableQueryException(e.ToString(), $"{what} reads a dictionary's entry, and this is not one");
            return new(found.Path, FieldKind.Scalar, EnumNames.EnumOf(found.Property.PropertyType.GetGenericArguments()[1]), keySlot);
        }
        if (kind == FieldKind.Scalar)
        {
            var type = found.Property.PropertyType;
            if (found is INestedMember) kind = FieldKind.Nested;
            else if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(AwSet<>) || type.GetGenericTypeDefinition() == typeof(RwSet<>))) kind = FieldKind.Set;
            else if (ScalarLists.ElementOf(type) is not null) kind = FieldKind.Set;   // a list is tested by Contains as a set is
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(MvReg<>)) kind = FieldKind.Set;   // its values, tested by Contains
            else if (IsDictionary(type)) kind = FieldKind.Nested;                     // compared with null; its entries by key
            else if (type == typeof(Counter) || type == typeof(BoundedCounter) || type == typeof(Flag))
                throw new UntranslatableQueryException(e.ToString(), $"read a {type.Name} through .{(type == typeof(Flag) ? "IsEnabled" : "Value")}");
            else if (found.Options.MvReg) kind = FieldKind.Register;
        }
        return new(found.Path, kind, kind is FieldKind.Scalar or FieldKind.Register ? EnumNames.EnumOf(found.Property.PropertyType) : null);
    }
}

/// <summary>A translated shape: builds the predicate from the slots' values.</summary>
internal abstract class Node
{
    public abstract Predicate Build(List<object?> values);

    /// <summary>A value as the query AST holds it; null stays null (the caller decides what it means).</summary>
    public static Value? ToValue(object? value, string expression) => value switch
    {
        null => null,
        string s => Value.String(s),
        bool b => Value.Bool(b),
        int i => Value.Int(i),
        long l => Value.Int(l),
        short s => Value.Int(s),
        byte b => Value.Int(b),
        uint u => Value.Int(u),
        double d => Value.Double(d),
        float f => Value.Double(f),
        decimal m => Value.Decimal(m),
        DateTimeOffset t => Value.Timestamp(t),
        Guid g => Value.String(g.ToString("D")),
        byte[] bytes => Value.Bytes(bytes),
        IRef r => Value.String(r.Id),
        Enum e => Value.String(EnumNames.Of(e)),
        Value v => v,
        _ => throw new UntranslatableQueryException(expression, $"a {value.GetType().Name} has no document form; values are {ScalarTypes.Names}"),
    };
}

internal sealed class ConstantNode(int slot) : Node
{
    public override Predicate Build(List<object?> values) => values[slot] is true ? Pred.And() : Pred.Or();
}

internal sealed class JunctionNode(bool and, Node left, Node right) : Node
{
    public override Predicate Build(List<object?> values) => and ? Pred.And(left.Build(values), right.Build(values)) : Pred.Or(left.Build(values), right.Build(values));
}

internal sealed class NotNode(Node operand) : Node
{
    public override Predicate Build(List<object?> values) => Pred.Not(operand.Build(values));
}

/// <summary>A comparison; slot -1 is the constant true (a bool property standing alone).</summary>
internal sealed class CompareNode(FieldInfoOf field, ComparisonOperator op, int slot, string expression, string fieldExpression) : Node
{
    public static string OnlyNull(FieldKind kind) => kind == FieldKind.Set
        ? "a set is compared only with null; test membership with Contains"
        : "a nested object is compared only with null; compare its properties";

    public override Predicate Build(List<object?> values)
    {
        // Set and nested-object fields compare only with null; checked here, since one cached shape
        // serves every value of the slot.
        if (field.Kind is FieldKind.Set or FieldKind.Nested && slot >= 0 && values[slot] is not null)
            throw new UntranslatableQueryException(fieldExpression, OnlyNull(field.Kind));
        var value = slot < 0 ? Value.True : ToValue(field.Enum is { } type ? EnumNames.FromOperand(type, values[slot]) : values[slot], expression);
        string path = field.PathIn(values, fieldExpression);
        if (field.Kind == FieldKind.Flag)
        {
            // A disabled flag reads as absent: "enabled == false" is "not true".
            if (value is not { Kind: ValueKind.Bool }) throw new UntranslatableQueryException(expression, "a flag compares with true or false");
            if (op is not (ComparisonOperator.Eq or ComparisonOperator.Ne)) throw new UntranslatableQueryException(expression, "a flag compares with == or !=");
            bool wantEnabled = value.AsBool() == (op == ComparisonOperator.Eq);
            return wantEnabled ? Pred.Eq(path, Value.True) : Pred.Ne(path, Value.True);
        }
        if (value is null || value.IsNull)
        {
            // C#: null == null; an unset property is an absent field (or one stored as null).
            return op switch
            {
                ComparisonOperator.Eq => Pred.Or(Pred.Exists(path, false), Pred.Eq(path, Value.Null)),
                ComparisonOperator.Ne => Pred.And(Pred.Exists(path), Pred.Ne(path, Value.Null)),
                _ => Pred.Or(),   // a lifted comparison with null is false
            };
        }
        // An [MvReg] field is the array of its concurrent values: == is "one of them is".
        if (field.Kind == FieldKind.Register)
            return op == ComparisonOperator.Eq ? Pred.Contains(path, value) : Pred.Not(Pred.Contains(path, value));
        return Pred.Compare(path, op, value);
    }
}

internal sealed class PrefixNode(FieldInfoOf field, int slot, string expression, int comparisonSlot, string call) : Node
{
    public const string Ordinal = "a prefix compares ordinally; write StartsWith(value) or StartsWith(value, StringComparison.Ordinal)";

    public override Predicate Build(List<object?> values)
    {
        if (comparisonSlot >= 0 && values[comparisonSlot] is not StringComparison.Ordinal) throw new UntranslatableQueryException(call, Ordinal);
        return values[slot] is string prefix ? Pred.Prefix(field.PathIn(values, call), prefix) : throw new UntranslatableQueryException(expression, "StartsWith needs a string, not null");
    }
}

internal sealed class ContainsNode(string path, int slot, string expression) : Node
{
    public override Predicate Build(List<object?> values)
        => Pred.Contains(path, ToValue(values[slot], expression) ?? throw new UntranslatableQueryException(expression, "a set holds no null"));
}

internal sealed class InNode(FieldInfoOf field, int slot, string expression) : Node
{
    public override Predicate Build(List<object?> values)
    {
        if (values[slot] is not IEnumerable list || values[slot] is string) throw new UntranslatableQueryException(expression, "Contains needs a list of values");
        string path = field.PathIn(values, expression);
        var items = new List<Value>();
        bool withNull = false;
        foreach (var item in list)
        {
            if (ToValue(item, expression) is { IsNull: false } value) items.Add(value);
            else withNull = true;
        }
        var @in = Pred.In(path, items);
        return withNull ? Pred.Or(@in, Pred.Exists(path, false), Pred.Eq(path, Value.Null)) : @in;
    }
}
