using System.Linq.Expressions;
using System.Reflection;
using Causeway.Errors;
using Causeway.Schemas;

namespace Causeway.Models;

/// <summary>How one class maps to a collection: its id, its members (made once, with compiled
/// accessors) and the collection's rules in the schema.</summary>
internal sealed class EntityMap
{
    private readonly Func<object, string?> _getId;
    private readonly Action<object, string?> _setId;

    internal EntityMap(Type type, string collection, IdKind? ids, ObjectShape root, int slots, IReadOnlyList<CheckRule> checks)
    {
        Type = type;
        Collection = collection;
        Ids = ids;
        Root = root;
        Slots = slots;
        var id = type.GetProperty("Id", BindingFlags.Public | BindingFlags.Instance);
        if (id is null || id.PropertyType != typeof(string) || id.GetMethod is null || id.SetMethod is null)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name} needs a public string Id property with a getter and a setter: it holds the document id.");
        var entity = Expression.Parameter(typeof(object), "entity");
        var value = Expression.Parameter(typeof(string), "value");
        var typed = Expression.Convert(entity, type);
        _getId = Expression.Lambda<Func<object, string?>>(Expression.Property(typed, id), entity).Compile();
        _setId = Expression.Lambda<Action<object, string?>>(Expression.Assign(Expression.Property(typed, id), value), entity, value).Compile();
        Rules = BuildRules(checks);
    }

    public Type Type { get; }
    public string Collection { get; }

    /// <summary>How the database names new documents; null when the application does.</summary>
    public IdKind? Ids { get; }
    public ObjectShape Root { get; }

    /// <summary>How many scalar values a tracked entity keeps as loaded.</summary>
    public int Slots { get; }
    public CollectionRules Rules { get; }

    /// <summary>Typed queries' translations by expression shape (<see cref="QueryTranslator"/>).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, object> Translations { get; } = new(StringComparer.Ordinal);

    public string? GetId(object entity) => _getId(entity);

    public void SetId(object entity, string id) => _setId(entity, id);

    /// <summary>The stored path of a property of this class (nested ones by their chain).</summary>
    public MemberMap Member(IReadOnlyList<PropertyInfo> chain)
    {
        var shape = Root;
        MemberMap? found = null;
        foreach (var property in chain)
        {
            found = shape?.Members.FirstOrDefault(m => m.Property == property)
                ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"{property.DeclaringType!.Name}.{property.Name} is not a mapped member of {Type.Name}.");
            shape = (found as INestedMember)?.Shape;
        }
        return found ?? throw new InvalidInputException(ErrorCodes.InvalidValue, $"Name a property of {Type.Name}.");
    }

    private CollectionRules BuildRules(IReadOnlyList<CheckRule> checks)
    {
        var fields = new Dictionary<string, FieldRule>(StringComparer.Ordinal);
        foreach (var rule in Root.Members.SelectMany(m => m.Rules())) fields.Add(rule.Path, rule);
        var unique = new List<IReadOnlyList<string>>();
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var member in Root.All())
        {
            if (member is not { Options: { Unique: true } options } m) continue;
            if (options.UniqueGroup is null) unique.Add([m.Path]);
            else if (groups.TryGetValue(options.UniqueGroup, out var tuple)) tuple.Add(m.Path);
            else
            {
                tuple = [m.Path];
                groups.Add(options.UniqueGroup, tuple);
                unique.Add(tuple);
            }
        }
        IdGeneration id = Ids switch
        {
            IdKind.Uuid => IdGeneration.Uuid,
            IdKind.Sequence => IdGeneration.Sequence,
            IdKind.Ordered => IdGeneration.Ordered,
            _ => IdGeneration.Client,
        };
        var groupsOfChecks = new List<HashSet<string>>();
        foreach (var check in checks)
        {
            var group = new HashSet<string>(check.Expression.Fields, StringComparer.Ordinal);
            foreach (var other in groupsOfChecks.Where(g => g.Overlaps(group)).ToList())
            {
                group.UnionWith(other);
                groupsOfChecks.Remove(other);
            }
            if (group.Count > 0) groupsOfChecks.Add(group);
        }
        return new CollectionRules { Name = Collection, Id = id, Fields = fields, Unique = unique, Checks = checks, AtomicGroups = groupsOfChecks };
    }
}
