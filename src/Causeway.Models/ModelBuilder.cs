using System.Linq.Expressions;
using System.Reflection;
using Causeway.Errors;
using Causeway.Schemas;

namespace Causeway.Models;

/// <summary>Declares a model in code, beside or instead of attributes: which classes map to which
/// collections, and what the schema says of their properties. What it says wins over an attribute.</summary>
public sealed class ModelBuilder
{
    internal List<EntityConfig> Entities { get; } = [];
    internal Dictionary<PropertyInfo, FieldOptions> Fields { get; } = [];
    internal List<Migrations.Migration> Migrations { get; } = [];

    /// <summary>Adds migrations (docs/typed-api.md, Migrations): <see cref="DocumentModel.MigrateAsync"/>
    /// applies the pending ones, and sessions read older documents through their upcasts.</summary>
    public ModelBuilder Migration(params Migrations.Migration[] migrations)
    {
        foreach (var migration in migrations) Migrations.Add(migration ?? throw new ArgumentNullException(nameof(migrations)));
        return this;
    }

    /// <summary>Maps <typeparamref name="T"/> (its attributes apply), and configures it further.</summary>
    public ModelBuilder Entity<T>(Action<EntityBuilder<T>>? configure = null) where T : class
    {
        var config = Config(typeof(T));
        configure?.Invoke(new EntityBuilder<T>(this, config));
        return this;
    }

    internal EntityConfig Config(Type type)
    {
        var config = Entities.FirstOrDefault(e => e.Type == type);
        if (config is null)
        {
            config = new EntityConfig(type);
            Entities.Add(config);
        }
        return config;
    }

    internal FieldOptions Options(PropertyInfo property)
        => Fields.TryGetValue(property, out var options) ? options : FieldOptions.FromAttributes(property);

    internal void Change(PropertyInfo property, Func<FieldOptions, FieldOptions> change) => Fields[property] = change(Options(property));
}

internal sealed class EntityConfig(Type type)
{
    public Type Type { get; } = type;
    public string? Collection { get; set; }
    public IdKind? Ids { get; set; }
    public bool IdsSet { get; set; }
    public List<(string Name, string Expression)> Checks { get; } = [];
}

/// <summary>Configures one mapped class.</summary>
public sealed class EntityBuilder<T> where T : class
{
    private readonly ModelBuilder _model;
    private readonly EntityConfig _config;

    internal EntityBuilder(ModelBuilder model, EntityConfig config)
    {
        _model = model;
        _config = config;
    }

    /// <summary>The collection the class is stored in.</summary>
    public EntityBuilder<T> ToCollection(string name)
    {
        _config.Collection = Documents.Names.Collection(name);
        return this;
    }

    /// <summary>The database names new documents (null: the application does).</summary>
    public EntityBuilder<T> GeneratedId(IdKind? kind)
    {
        _config.Ids = kind;
        _config.IdsSet = true;
        return this;
    }

    /// <summary>A check over the document's lww fields, by stored names.</summary>
    public EntityBuilder<T> Check(string name, string expression)
    {
        _config.Checks.Add((name, expression));
        return this;
    }

    /// <summary>Configures a property (<c>p => p.Name</c>, or a nested one: <c>p => p.Address.City</c>).</summary>
    public PropertyBuilder<T> Property<TProp>(Expression<Func<T, TProp>> property)
        => new(this, _model, PropertyChain.Of(property)[^1]);
}

/// <summary>Configures one property of a mapped class.</summary>
public sealed class PropertyBuilder<T> where T : class
{
    private readonly EntityBuilder<T> _entity;
    private readonly ModelBuilder _model;
    private readonly PropertyInfo _property;

    internal PropertyBuilder(EntityBuilder<T> entity, ModelBuilder model, PropertyInfo property)
    {
        _entity = entity;
        _model = model;
        _property = property;
    }

    public PropertyBuilder<T> Named(string name) => Change(o => o with { Name = name });
    public PropertyBuilder<T> Required() => Change(o => o with { Required = true });
    public PropertyBuilder<T> Unique(string? group = null) => Change(o => o with { Unique = true, UniqueGroup = group });
    public PropertyBuilder<T> MvReg() => Change(o => o with { MvReg = true });
    public PropertyBuilder<T> DisableWins() => Change(o => o with { DisableWins = true });
    public PropertyBuilder<T> Ignore() => Change(o => o with { Ignore = true });
    public PropertyBuilder<T> Bounds(long? min = null, long? max = null) => Change(o => o with { Min = min, Max = max });
    public PropertyBuilder<T> References(ReferencePolicy policy) => Change(o => o with { Policy = policy });

    /// <summary>Goes on with another property of the same class.</summary>
    public PropertyBuilder<T> Property<TProp>(Expression<Func<T, TProp>> property) => _entity.Property(property);

    private PropertyBuilder<T> Change(Func<FieldOptions, FieldOptions> change)
    {
        _model.Change(_property, change);
        return this;
    }
}

/// <summary>The chain of properties a lambda names: <c>p => p.Address.City</c> is Address, City.</summary>
internal static class PropertyChain
{
    public static IReadOnlyList<PropertyInfo> Of(LambdaExpression lambda)
    {
        var chain = new List<PropertyInfo>();
        var body = lambda.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert) body = convert.Operand;
        while (body is MemberExpression { Member: PropertyInfo property } member)
        {
            chain.Insert(0, property);
            body = member.Expression!;
        }
        if (body != lambda.Parameters[0] || chain.Count == 0)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{lambda}' does not name a property; write it as p => p.Name or p => p.Address.City.");
        return chain;
    }
}
