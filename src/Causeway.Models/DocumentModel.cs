using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Causeway.Documents;
using Causeway.Errors;
using Causeway.Models.Migrations;
using Causeway.Schemas;

namespace Causeway.Models;

/// <summary>A set of C# classes mapped to collections, and the database schema they produce (the same
/// <see cref="Schemas.Schema"/> <see cref="IDocumentDatabase.SetSchemaAsync"/> takes, the same JSON as
/// <c>PUT schema</c>). Each class is mapped once, with compiled accessors, and the map is kept.</summary>
public sealed class DocumentModel
{
    private readonly ModelBuilder _builder;
    private readonly bool _open;
    private readonly ConcurrentDictionary<Type, EntityMap> _maps = new();
    private EntityMap? _last;
    private readonly object _gate = new();
    private Schema? _schema;

    private DocumentModel(ModelBuilder builder, bool open)
    {
        _builder = builder;
        _open = open;
        Migrations = builder.Migrations.Count == 0 ? MigrationLog.Empty : new MigrationLog(builder.Migrations);
    }

    /// <summary>The model's migrations in version order (<see cref="ModelBuilder.Migration"/>).</summary>
    public MigrationLog Migrations { get; }

    /// <summary>The model of attributes alone: it maps any class the first time it is used.
    /// <see cref="DocumentSessions.OpenSession(IDocumentDatabase)"/> uses it.</summary>
    public static DocumentModel Attributes { get; } = new(new ModelBuilder(), open: true);

    /// <summary>A model of the classes <paramref name="configure"/> names, with what it says of them.</summary>
    public static DocumentModel Build(Action<ModelBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new ModelBuilder();
        configure(builder);
        var model = new DocumentModel(builder, open: false);
        foreach (var entity in builder.Entities) model.Map(entity.Type);
        _ = model.Schema;
        return model;
    }

    /// <summary>A model of these classes, by their attributes.</summary>
    public static DocumentModel Of(params Type[] types)
    {
        var builder = new ModelBuilder();
        foreach (var type in types) builder.Config(type);
        var model = new DocumentModel(builder, open: false);
        foreach (var type in types) model.Map(type);
        _ = model.Schema;
        return model;
    }

    /// <summary>The schema of every mapped class (for <see cref="Attributes"/>, of those mapped so far).</summary>
    public Schema Schema
    {
        get
        {
            lock (_gate)
            {
                if (_schema is not null && (!_open || _schema.Collections.Count == _maps.Count)) return _schema;
                var collections = new Dictionary<string, CollectionRules>(StringComparer.Ordinal);
                foreach (var map in _maps.Values.OrderBy(m => m.Collection, StringComparer.Ordinal))
                {
                    if (!collections.TryAdd(map.Collection, map.Rules))
                        throw new InvalidInputException(ErrorCodes.InvalidValue, $"Two classes map to collection '{map.Collection}'.");
                }
                return _schema = new Schema { Collections = collections };
            }
        }
    }

    /// <summary>The schema as the JSON <c>PUT /v1/dbs/{db}/schema</c> takes.</summary>
    public string ToSchemaJson() => SchemaJson.ToJson(Schema);

    /// <summary>The collection <typeparamref name="T"/> is stored in.</summary>
    public string CollectionOf<T>() where T : class => Map(typeof(T)).Collection;

    /// <summary>The stored path of a property: <c>p => p.Address.City</c> may be <c>address.city</c>.</summary>
    public string PathOf<T>(Expression<Func<T, object?>> property) where T : class
        => Map(typeof(T)).Member(PropertyChain.Of(property)).Path;

    /// <summary>Sets the model's schema on <paramref name="database"/> and answers the engine's analysis
    /// (which constraints may coordinate) and the stored documents that break it.</summary>
    public async Task<ModelSchema> ApplyAsync(IDocumentDatabase database, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var info = await database.SetSchemaAsync(Schema, cancellation).ConfigureAwait(false);
        return new ModelSchema(this, info);
    }

    /// <summary>What setting the model's schema would change on <paramref name="database"/>, and which
    /// of the changes need a migration (<see cref="SchemaChange.Breaking"/>).</summary>
    public Task<IReadOnlyList<SchemaChange>> DiffAsync(IDocumentDatabase database, CancellationToken cancellation = default)
        => SchemaMigration.DiffAsync(database, Schema, cancellation);

    /// <summary>Applies the model's pending migrations and its schema to <paramref name="database"/>:
    /// safe changes as they are, breaking ones only when a pending migration declares them
    /// (<see cref="UndeclaredSchemaChangeException"/> otherwise, and nothing is written). Running it
    /// again writes nothing.</summary>
    public Task<MigrationResult> MigrateAsync(IDocumentDatabase database, CancellationToken cancellation = default)
        => SchemaMigration.ApplyAsync(database, Schema, Migrations, cancellation);

    /// <summary>The schema in force on <paramref name="database"/>, read through this model.</summary>
    public async Task<ModelSchema> ReadSchemaAsync(IDocumentDatabase database, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new ModelSchema(this, await database.GetSchemaAsync(cancellation).ConfigureAwait(false));
    }

    internal EntityMap Map(Type type)
    {
        // Most sessions ask for one class over and over: the last answer is kept in front of the dictionary.
        if (_last is { } last && last.Type == type) return last;
        if (_maps.TryGetValue(type, out var map)) return _last = map;
        if (!_open && _builder.Entities.All(e => e.Type != type))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name} is not part of this model; add it with ModelBuilder.Entity<{type.Name}>().");
        lock (_gate)
        {
            if (_maps.TryGetValue(type, out map)) return map;
            map = new Mapper(_builder, CollectionName).Entity(type, _builder.Entities.FirstOrDefault(e => e.Type == type));
            _maps[type] = map;
            _schema = null;
            return map;
        }
    }

    private string CollectionName(Type type)
    {
        if (_builder.Entities.FirstOrDefault(e => e.Type == type)?.Collection is { } configured) return configured;
        if (type.GetCustomAttribute<CollectionAttribute>() is { } attribute) return Names.Collection(attribute.Name);
        return Names.Collection(Mapper.CamelCase(type.Name));
    }
}

/// <summary>Builds the member maps of a class from its properties, attributes and the builder's word.</summary>
internal sealed class Mapper(ModelBuilder builder, Func<Type, string> collectionOf)
{
    private const int MaxDepth = 16;
    private int _slots;

    public EntityMap Entity(Type type, EntityConfig? config)
    {
        if (!type.IsClass || type.IsAbstract) throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name} is not a concrete class; only classes map to collections.");
        var root = Shape(type, "", [type], isRoot: true);
        IdKind? ids = config is { IdsSet: true } ? config.Ids : type.GetCustomAttribute<GeneratedIdAttribute>()?.Kind;
        var checks = new List<CheckRule>();
        int unnamed = 0;
        var declared = type.GetCustomAttributes<CheckAttribute>(inherit: false).Select(a => (a.Name, a.Expression))
            .Concat(config?.Checks.Select(c => ((string?)c.Name, c.Expression)) ?? []);
        foreach (var (name, expression) in declared)
        {
            string checkName = name ?? $"check_{++unnamed}";
            try { checks.Add(new CheckRule(checkName, CheckExpression.Parse(expression))); }
            catch (InvalidInputException e) { throw new InvalidInputException(ErrorCodes.InvalidValue, $"Check '{checkName}' of {type.Name}: {e.Message}"); }
        }
        return new EntityMap(type, collectionOf(type), ids, root, _slots, checks);
    }

    private ObjectShape Shape(Type type, string prefix, List<Type> path, bool isRoot)
    {
        var members = new List<MemberMap>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null) continue;
            if (isRoot && property.Name == "Id") continue;
            var options = builder.Options(property);
            if (options.Ignore) continue;
            string name = options.Name ?? CamelCase(property.Name);
            try { FieldPath.CheckName(name, topLevel: isRoot); }
            catch (InvalidInputException e) { throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name}.{property.Name}: {e.Message}"); }
            if (!names.Add(name)) throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name} maps two properties to '{name}'.");
            members.Add(Member(type, property, name, prefix.Length == 0 ? name : $"{prefix}.{name}", options, path));
        }
        return new ObjectShape(type, Construction.Of(type, members, isRoot), members);
    }

    private MemberMap Member(Type owner, PropertyInfo property, string name, string path, FieldOptions options, List<Type> chain)
    {
        var type = property.PropertyType;
        if (type == typeof(Counter) || type == typeof(BoundedCounter))
            return Make(typeof(CounterMember<,>), [owner, type], property, name, path, options);
        if (type == typeof(Flag))
            return Make(typeof(FlagMember<>), [owner], property, name, path, options);
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(AwSet<>) || type.GetGenericTypeDefinition() == typeof(RwSet<>)))
        {
            var element = type.GetGenericArguments()[0];
            if (ScalarTypes.TypeOf(element) is null || Nullable.GetUnderlyingType(element) is not null)
                throw Unsupported(property, $"a set's elements are scalars ({ScalarTypes.Names}, not nullable)");
            return Make(typeof(SetMember<,,>), [owner, type, element], property, name, path, options);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(MvReg<>))
        {
            var value = type.GetGenericArguments()[0];
            if (ScalarTypes.TypeOf(value) is null || Nullable.GetUnderlyingType(value) is not null)
                throw Unsupported(property, $"a register's values are scalars ({ScalarTypes.Names}, not nullable)");
            return Make(typeof(MvRegMember<,>), [owner, value], property, name, path, options);
        }
        if (ScalarTypes.TypeOf(type) is not null || ScalarLists.ElementOf(type) is not null)
        {
            string? references = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Ref<>) ? collectionOf(type.GetGenericArguments()[0]) : null;
            var member = (MemberMap)Activator.CreateInstance(typeof(ScalarMember<,>).MakeGenericType(owner, type), property, name, path, _slots, options, references)!;
            _slots++;
            return member;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var arguments = type.GetGenericArguments();
            if (arguments[0] != typeof(string) || ScalarTypes.TypeOf(arguments[1]) is null)
                throw Unsupported(property, $"a dictionary's keys are strings and its values scalars ({ScalarTypes.Names})");
            var member = (MemberMap)Activator.CreateInstance(typeof(DictionaryMember<,>).MakeGenericType(owner, arguments[1]), property, name, path, _slots, options)!;
            _slots++;
            return member;
        }
        if (type.IsArray || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            throw Unsupported(property, $"a list's or array's elements are scalars ({ScalarTypes.Names}, not nullable)");
        if (type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            if (chain.Contains(type) || chain.Count >= MaxDepth) throw Unsupported(property, "nested objects may not contain themselves");
            var shape = Shape(type, path, [.. chain, type], isRoot: false);
            return (MemberMap)Activator.CreateInstance(typeof(NestedMember<,>).MakeGenericType(owner, type), property, name, path, options, shape)!;
        }
        throw Unsupported(property, $"mapped types are scalars ({ScalarTypes.Names}), List<T> and T[] of scalars, Dictionary<string, T> of scalars, Counter, BoundedCounter, AwSet<T>, RwSet<T>, MvReg<T>, Flag and nested classes");
    }

    private static MemberMap Make(Type generic, Type[] arguments, PropertyInfo property, string name, string path, FieldOptions options)
        => (MemberMap)Activator.CreateInstance(generic.MakeGenericType(arguments), property, name, path, options)!;

    private static InvalidInputException Unsupported(PropertyInfo property, string why)
        => new(ErrorCodes.InvalidValue, $"{property.DeclaringType!.Name}.{property.Name} is a {property.PropertyType.Name}, which does not map: {why}.");

    public static string CamelCase(string name) => name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
