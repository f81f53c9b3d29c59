using Causeway.Errors;
using Causeway.Values;

namespace Causeway.Models.Migrations;

/// <summary>One version of a database's schema history: a number and the changes it declares. Write it
/// as a class (<c>class RenameTitle() : Migration(2) { protected override void Declare(MigrationSteps m)
/// => m.RenameField("products", "title", "name"); }</c>) or fluently (<see cref="Create"/>).</summary>
public abstract class Migration
{
    private IReadOnlyList<MigrationStep>? _steps;

    protected Migration(long version)
    {
        if (version < 1) throw new InvalidInputException(ErrorCodes.InvalidValue, $"A migration's version is a whole number of at least 1, not {version}.");
        Version = version;
    }

    public long Version { get; }

    /// <summary>The declared changes, in declaration order.</summary>
    public IReadOnlyList<MigrationStep> Steps
    {
        get
        {
            if (_steps is null)
            {
                var steps = new MigrationSteps();
                Declare(steps);
                _steps = steps.All;
            }
            return _steps;
        }
    }

    protected abstract void Declare(MigrationSteps steps);

    /// <summary>A migration declared in place: <c>Migration.Create(2, m =&gt; m.DropField("products", "legacy"))</c>.</summary>
    public static Migration Create(long version, Action<MigrationSteps> declare)
    {
        ArgumentNullException.ThrowIfNull(declare);
        return new Declared(version, declare);
    }

    /// <summary>A migration of steps already made (the CLI's, from its options).</summary>
    public static Migration Of(long version, IEnumerable<MigrationStep> steps)
    {
        var list = steps.ToList();
        return new Declared(version, m => m.All.AddRange(list));
    }

    public override string ToString() => $"migration {Version} ({Steps.Count} steps)";

    private sealed class Declared(long version, Action<MigrationSteps> declare) : Migration(version)
    {
        protected override void Declare(MigrationSteps steps) => declare(steps);
    }
}

/// <summary>What a migration declares, fluently.</summary>
public sealed class MigrationSteps
{
    internal List<MigrationStep> All { get; } = [];

    public MigrationSteps RenameField(string collection, string from, string to) => Add(new RenameField(collection, from, to));

    /// <summary>A new kind or type; <paramref name="convert"/> turns an old stored value into the new one on read.</summary>
    public MigrationSteps RetypeField(string collection, string field, Func<Value, Value>? convert = null) => Add(new RetypeField(collection, field, convert));

    /// <summary>A retype with the conversion in CLR types: <c>RetypeField&lt;string, long&gt;("products", "stock", long.Parse)</c>.</summary>
    public MigrationSteps RetypeField<TFrom, TTo>(string collection, string field, Func<TFrom, TTo> convert)
    {
        ArgumentNullException.ThrowIfNull(convert);
        var decode = ScalarCodec<TFrom>.Decode;
        var encode = ScalarCodec<TTo>.Encode;
        return Add(new RetypeField(collection, field, v => encode(convert(decode(v))) ?? Value.Null));
    }

    public MigrationSteps AddField(string collection, string field, Value? defaultValue = null) => Add(new AddField(collection, field, defaultValue));

    public MigrationSteps DropField(string collection, string field) => Add(new DropField(collection, field));

    public MigrationSteps DropCollection(string collection) => Add(new DropCollection(collection));

    public MigrationSteps TightenConstraint(string collection, params string[] fields) => Add(new TightenConstraint(collection, fields));

    private MigrationSteps Add(MigrationStep step)
    {
        All.Add(step);
        return this;
    }
}
