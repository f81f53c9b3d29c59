using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Causeway.Errors;

namespace Causeway.Models;

/// <summary>What a changeset can do to a property.</summary>
internal enum ChangeKind { Scalar, Counter, Set, Flag, Nested, Register }

/// <summary>One mapped property of a class, reachable from the root object by its document path:
/// reads its value in plain form (a scalar, a counter's number, a flag's bool, a set's elements, a
/// register's one value) and writes a plain value back as the property's own changes, so the session
/// turns them into <c>set</c>, <c>increment</c>, <c>add</c>/<c>remove</c>, <c>enable</c>/<c>disable</c>
/// and a register's <c>set</c>/<c>unset</c>.</summary>
internal sealed class ChangeField
{
    private readonly Func<object, object?> _get;
    private readonly Action<object, object?>? _set;
    private readonly SetAccess? _setAccess;
    private readonly RegisterAccess? _registerAccess;

    public ChangeField(MemberMap member, ChangeField? parent, ChangeKind kind, ObjectShape? shape)
    {
        Member = member;
        Parent = parent;
        Kind = kind;
        Shape = shape;
        Property = parent is null ? member.Property.Name : $"{parent.Property}.{member.Property.Name}";
        var type = member.Property.PropertyType;
        // A register cast null is cleared; [Required] says whether it may be.
        Nullable = kind == ChangeKind.Register || (!type.IsValueType ? new NullabilityInfoContext().Create(member.Property).WriteState != NullabilityState.NotNull
            : System.Nullable.GetUnderlyingType(type) is not null);
        var owner = Expression.Parameter(typeof(object), "owner");
        var value = Expression.Parameter(typeof(object), "value");
        var typed = Expression.Property(Expression.Convert(owner, member.Property.DeclaringType!), member.Property);
        _get = Expression.Lambda<Func<object, object?>>(Expression.Convert(typed, typeof(object)), owner).Compile();
        if (member.Property.SetMethod is not null)
            _set = Expression.Lambda<Action<object, object?>>(Expression.Assign(typed, Expression.Convert(value, type)), owner, value).Compile();
        if (kind == ChangeKind.Set)
            _setAccess = (SetAccess)Activator.CreateInstance(typeof(SetAccess<>).MakeGenericType(Element!))!;
        if (kind == ChangeKind.Register)
            _registerAccess = (RegisterAccess)Activator.CreateInstance(typeof(RegisterAccess<>).MakeGenericType(Underlying))!;
    }

    public MemberMap Member { get; }
    public ChangeField? Parent { get; }
    public ChangeKind Kind { get; }

    /// <summary>The nested class's members, for a <see cref="ChangeKind.Nested"/> property.</summary>
    public ObjectShape? Shape { get; }

    /// <summary>The C# name, nested ones by their chain: <c>Home.City</c>.</summary>
    public string Property { get; }
    public string Path => Member.Path;
    public Type Type => Member.Property.PropertyType;

    /// <summary>The type as a message names it: <c>MvReg&lt;Int64&gt;</c> rather than <c>MvReg`1</c>.</summary>
    public string TypeName => Kind == ChangeKind.Register ? $"MvReg<{Underlying.Name}>" : Type.Name;

    /// <summary>Whether the property may hold null (a nullable value type, or a reference not declared non-null).</summary>
    public bool Nullable { get; }

    /// <summary>A set's element type.</summary>
    public Type? Element => Kind == ChangeKind.Set ? Type.GetGenericArguments()[0] : null;

    /// <summary>The scalar type a value is cast to: a scalar's without its <c>?</c>, a register's <c>T</c>.</summary>
    public Type Underlying => Kind == ChangeKind.Register ? Type.GetGenericArguments()[0] : System.Nullable.GetUnderlyingType(Type) ?? Type;

    /// <summary>The value in plain form on <paramref name="root"/>: null when an enclosing object is null.</summary>
    public object? Read(object root)
    {
        object? container = Parent is null ? root : Parent.Raw(root);
        object? raw = container is null ? null : _get(container);
        return Kind switch
        {
            ChangeKind.Counter => (raw as Counter)?.Value ?? 0L,
            ChangeKind.Flag => (raw as Flag)?.IsEnabled ?? false,
            ChangeKind.Set => raw is IEnumerable elements ? elements.Cast<object>().ToArray() : Array.Empty<object>(),
            ChangeKind.Register => raw is null ? null : _registerAccess!.Chosen(raw),
            _ => raw,
        };
    }

    /// <summary>Writes a plain value onto <paramref name="root"/>, making enclosing objects that are null.</summary>
    public void Write(object root, object? value)
    {
        object container = Parent is null ? root : Parent.Made(root);
        switch (Kind)
        {
            case ChangeKind.Scalar:
            case ChangeKind.Nested:
                Setter(_set)(container, value);
                break;
            case ChangeKind.Counter:
                var counter = (Counter)Made(container, () => Activator.CreateInstance(Type)!);
                counter.Increment(checked((long)value! - counter.Value));   // the difference, so increments made elsewhere still add
                break;
            case ChangeKind.Flag:
                var flag = (Flag)Made(container, () => new Flag());
                if ((bool)value!) flag.Enable();
                else flag.Disable();
                break;
            case ChangeKind.Set:
                _setAccess!.Replace(Made(container, () => Activator.CreateInstance(Type)!), (object[])value!);
                break;
            case ChangeKind.Register:
                _registerAccess!.Write(Made(container, () => Activator.CreateInstance(Type)!), value);
                break;
        }
    }

    private object? Raw(object root)
    {
        object? container = Parent is null ? root : Parent.Raw(root);
        return container is null ? null : _get(container);
    }

    /// <summary>This nested object on <paramref name="root"/>, made (and set) when it is null.</summary>
    private object Made(object root)
    {
        object container = Parent is null ? root : Parent.Made(root);
        return Made(container, Shape!.Create);
    }

    private object Made(object container, Func<object> create)
    {
        if (_get(container) is { } existing) return existing;
        var made = create();
        Setter(_set)(container, made);
        return made;
    }

    private Action<object, object?> Setter(Action<object, object?>? set)
        => set ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{Member.Property.DeclaringType!.Name}.{Member.Property.Name} has no setter, so a changeset cannot change it.");

    private abstract class SetAccess
    {
        public abstract void Replace(object set, object[] target);
    }

    /// <summary>Turns a set into the target's elements by removing the others and adding the missing ones:
    /// the session writes those as single <c>remove</c>s and <c>add</c>s.</summary>
    private sealed class SetAccess<T> : SetAccess where T : notnull
    {
        public override void Replace(object set, object[] target)
        {
            var typed = (CrdtSet<T>)set;
            var wanted = target.Cast<T>().ToList();
            foreach (var element in typed.Where(e => !wanted.Contains(e)).ToList()) typed.Remove(element);
            foreach (var element in wanted) typed.Add(element);
        }
    }

    private abstract class RegisterAccess
    {
        public abstract object? Chosen(object register);
        public abstract void Write(object register, object? value);
    }

    /// <summary>A register's one value is the one every replica chooses (<see cref="MvReg{T}.Value"/>,
    /// but null when unset, also for a value type); writing one is <see cref="MvReg{T}.Set"/>, which
    /// supersedes every value the object saw, and null is <see cref="MvReg{T}.Clear"/>.</summary>
    private sealed class RegisterAccess<T> : RegisterAccess where T : notnull
    {
        public override object? Chosen(object register) => ((MvReg<T>)register).Values is [.., var last] ? last : null;

        public override void Write(object register, object? value)
        {
            var typed = (MvReg<T>)register;
            if (value is null) typed.Clear();
            else typed.Set((T)value);
        }
    }
}

/// <summary>Every property of a class a changeset can reach, by document path; made once per mapped class.</summary>
internal sealed class ChangeFields
{
    private static readonly ConditionalWeakTable<EntityMap, ChangeFields> Known = [];
    private readonly Dictionary<string, ChangeField> _byPath = new(StringComparer.Ordinal);

    private ChangeFields(EntityMap map)
    {
        Map = map;
        Add(map.Root, null);
    }

    public static ChangeFields Of(EntityMap map) => Known.GetValue(map, m => new ChangeFields(m));

    public EntityMap Map { get; }

    public IEnumerable<ChangeField> All => _byPath.Values;

    public ChangeField? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>The field a lambda names (<c>p =&gt; p.Home.City</c>).</summary>
    public ChangeField Of(LambdaExpression property) => _byPath[Map.Member(PropertyChain.Of(property)).Path];

    /// <summary>The field of a path, or an <see cref="InvalidInputException"/> naming the paths there are.</summary>
    public ChangeField Named(string path)
        => Find(path) ?? throw new InvalidInputException(ErrorCodes.InvalidPath,
            $"'{Documents.Names.Clip(path)}' is not a property path of {Map.Type.Name}; its paths are {string.Join(", ", _byPath.Keys)}.");

    private void Add(ObjectShape shape, ChangeField? parent)
    {
        foreach (var member in shape.Members)
        {
            var type = member.Property.PropertyType;
            var kind = member switch
            {
                INestedMember => ChangeKind.Nested,
                _ when typeof(Counter).IsAssignableFrom(type) => ChangeKind.Counter,
                _ when type == typeof(Flag) => ChangeKind.Flag,
                _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(MvReg<>) => ChangeKind.Register,
                _ when type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(AwSet<>) || type.GetGenericTypeDefinition() == typeof(RwSet<>)) => ChangeKind.Set,
                _ => ChangeKind.Scalar,
            };
            var field = new ChangeField(member, parent, kind, (member as INestedMember)?.Shape);
            _byPath.Add(field.Path, field);
            if (field.Shape is { } nested) Add(nested, field);
        }
    }
}
