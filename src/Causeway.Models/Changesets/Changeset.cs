using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.RegularExpressions;
using Causeway.Errors;

namespace Causeway.Models;

/// <summary>Starts changesets (docs/typed-api.md, Changesets).</summary>
public static class Changeset
{
    /// <summary>A changeset of <paramref name="entity"/>, a new object or one a session loaded, under
    /// <paramref name="model"/> (the model of attributes when null; it must be the session's).</summary>
    public static Changeset<T> For<T>(T entity, DocumentModel? model = null) where T : class => new(entity, model ?? DocumentModel.Attributes);
}

/// <summary>What every changeset is, for saving several together.</summary>
public interface IChangeset
{
    bool IsValid { get; }
    IReadOnlyList<ChangesetError> Errors { get; }

    /// <summary>Writes the changes onto the object and stores it in <paramref name="session"/>.</summary>
    void ApplyTo(DocumentSession session);

    /// <summary>Takes the errors a refusal of the database puts on this changeset's object; false when
    /// the refusal is about another document.</summary>
    internal bool Refused(CausewayException refusal);

    internal void ClearRefusals();
}

/// <summary>Changes to one object from untrusted input, Ecto style: <see cref="Cast(JsonElement, string[])"/>
/// takes the permitted properties of a JSON body or a dictionary (others are ignored and listed in
/// <see cref="Ignored"/>), validators and the model's own rules say what is wrong, per property, and a
/// valid changeset is applied to a session, where the database's refusals on save come back as
/// errors of the same kind. Nothing touches the object until it is applied.</summary>
public sealed class Changeset<T> : IChangeset where T : class
{
    private readonly ChangeFields _fields;
    private readonly Dictionary<string, (ChangeField Field, object? Value)> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChangesetError> _castErrors = new(StringComparer.Ordinal);
    private readonly List<PropertyRule> _rules;
    private readonly List<string> _ignored = [];
    private readonly List<ChangesetError> _refusals = [];
    private readonly Dictionary<string, string> _checkMessages = new(StringComparer.Ordinal);
    private IReadOnlyList<ChangesetError>? _errors;

    internal Changeset(T entity, DocumentModel model)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(model);
        Entity = entity;
        Model = model;
        _fields = ChangeFields.Of(model.Map(entity.GetType()));
        _rules = [.. ModelRules.Of(_fields)];
    }

    /// <summary>The object the changes are for; untouched until <see cref="ApplyTo"/>.</summary>
    public T Entity { get; }
    public DocumentModel Model { get; }

    /// <summary>The cast values by document path, in plain form: a scalar, a counter's number, a flag's
    /// bool, a set's elements, a register's new value, or null (a nested object or a register cleared).</summary>
    public IReadOnlyDictionary<string, object?> Changes => _changes.ToDictionary(c => c.Key, c => c.Value.Value, StringComparer.Ordinal);

    /// <summary>The input's paths that were not cast: not permitted, or no property of <typeparamref name="T"/>.</summary>
    public IReadOnlyList<string> Ignored => _ignored;

    /// <summary>Casts the permitted paths of a JSON object (<c>name</c>, <c>home.city</c>; <c>home</c>
    /// permits all of Home). Malformed JSON, or JSON that is not an object, is an <see cref="InvalidInputException"/>.</summary>
    public Changeset<T> Cast(string json, params string[] permitted)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidInputException(ErrorCodes.InvalidJson, $"The input is not JSON: {e.Message}", e); }
        using (document) return Cast(document.RootElement, permitted);
    }

    /// <inheritdoc cref="Cast(string, string[])"/>
    public Changeset<T> Cast(JsonElement input, params string[] permitted)
    {
        if (input.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"A changeset casts a JSON object (property: value), not {input.ValueKind.ToString().ToLowerInvariant()}.");
        var allowed = Permitted(permitted);
        Walk(input, "", allowed);
        _errors = null;
        return this;
    }

    /// <summary>Casts the permitted keys of a dictionary, as a form or a deserialized body gives them;
    /// nested dictionaries are nested objects, and keys may be paths (<c>home.city</c>).</summary>
    public Changeset<T> Cast(IDictionary<string, object?> input, params string[] permitted)
    {
        ArgumentNullException.ThrowIfNull(input);
        JsonElement element;
        try { element = JsonSerializer.SerializeToElement(input); }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The input's values cannot be read as JSON: {e.Message}", e);
        }
        return Cast(element, permitted);
    }

    /// <inheritdoc cref="Cast(string, string[])"/>
    public Changeset<T> Cast(string json, params Expression<Func<T, object?>>[] permitted) => Cast(json, Paths(permitted));

    /// <inheritdoc cref="Cast(JsonElement, string[])"/>
    public Changeset<T> Cast(JsonElement input, params Expression<Func<T, object?>>[] permitted) => Cast(input, Paths(permitted));

    /// <inheritdoc cref="Cast(IDictionary{string, object}, string[])"/>
    public Changeset<T> Cast(IDictionary<string, object?> input, params Expression<Func<T, object?>>[] permitted) => Cast(input, Paths(permitted));

    /// <summary>Null or blank text fails with <c>required</c>.</summary>
    public Changeset<T> ValidateRequired(params Expression<Func<T, object?>>[] properties)
    {
        foreach (var property in properties) Add(PropertyRule.Required(_fields.Of(property)));
        return this;
    }

    /// <summary>Text's length in characters as a reader counts them (text elements), or a set's count.</summary>
    public Changeset<T> ValidateLength(Expression<Func<T, object?>> property, int? min = null, int? max = null, string? message = null)
    {
        var field = _fields.Of(property);
        if (field.Kind != ChangeKind.Set && !(field.Kind is ChangeKind.Scalar or ChangeKind.Register && field.Underlying == typeof(string)))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{field.Property} is a {field.TypeName}; a length is validated on text, a register of text or a set.");
        static int Length(object? v) => v is string s ? new StringInfo(s).LengthInTextElements : ((object[])v!).Length;
        string unit = field.Kind == ChangeKind.Set ? "element" : "character";
        if (min is { } low) Add(new PropertyRule(field, ChangesetErrorCodes.TooShort, message ?? $"must have at least {low} {unit}{(low == 1 ? "" : "s")}", v => Length(v) >= low));
        if (max is { } high) Add(new PropertyRule(field, ChangesetErrorCodes.TooLong, message ?? $"must have at most {high} {unit}{(high == 1 ? "" : "s")}", v => Length(v) <= high));
        return this;
    }

    /// <summary>A number (or a counter's value) within <paramref name="min"/> and <paramref name="max"/>, both included.</summary>
    public Changeset<T> ValidateRange(Expression<Func<T, object?>> property, double? min = null, double? max = null, string? message = null)
    {
        var field = _fields.Of(property);
        if (field.Kind != ChangeKind.Counter && !(field.Kind is ChangeKind.Scalar or ChangeKind.Register && field.Underlying is var t && (t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(decimal))))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{field.Property} is a {field.TypeName}; a range is validated on a number, a counter or a register of numbers.");
        if (min is { } low) Add(PropertyRule.AtLeast(field, low, message));
        if (max is { } high) Add(PropertyRule.AtMost(field, high, message));
        return this;
    }

    /// <summary>Text that matches <paramref name="pattern"/> (anywhere, unless anchored). A string pattern
    /// runs without backtracking, so untrusted input cannot make it slow.</summary>
    public Changeset<T> ValidateFormat(Expression<Func<T, string?>> property, string pattern, string? message = null) => Format(property, Pattern(pattern), message);

    /// <inheritdoc cref="ValidateFormat(Expression{Func{T, string}}, string, string)"/>
    public Changeset<T> ValidateFormat(Expression<Func<T, string?>> property, Regex pattern, string? message = null) => Format(property, pattern, message);

    /// <summary>A register's value (the one cast, or the chosen one) that matches <paramref name="pattern"/>.</summary>
    public Changeset<T> ValidateFormat(Expression<Func<T, MvReg<string>?>> property, string pattern, string? message = null) => Format(property, Pattern(pattern), message);

    /// <inheritdoc cref="ValidateFormat(Expression{Func{T, MvReg{string}}}, string, string)"/>
    public Changeset<T> ValidateFormat(Expression<Func<T, MvReg<string>?>> property, Regex pattern, string? message = null) => Format(property, pattern, message);

    /// <summary>A value among <paramref name="allowed"/>.</summary>
    public Changeset<T> ValidateInclusion<TProp>(Expression<Func<T, TProp>> property, IEnumerable<TProp> allowed, string? message = null)
        => Inclusion(property, allowed.Select(a => (object?)a), message);

    /// <summary>A register's value (the one cast, or the chosen one) among <paramref name="allowed"/>.</summary>
    public Changeset<T> ValidateInclusion<TValue>(Expression<Func<T, MvReg<TValue>?>> property, IEnumerable<TValue> allowed, string? message = null) where TValue : notnull
        => Inclusion(property, allowed.Select(a => (object?)a), message);

    /// <summary>A predicate of the property's value (never called with null); false puts
    /// <paramref name="message"/> on the property with <paramref name="code"/>.</summary>
    public Changeset<T> Validate<TProp>(Expression<Func<T, TProp>> property, Func<TProp, bool> isValid, string message, string code = ChangesetErrorCodes.Invalid)
    {
        ArgumentNullException.ThrowIfNull(isValid);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        Add(new PropertyRule(Scalar(property), code, message, v => isValid((TProp)v!)));
        return this;
    }

    /// <summary>A predicate of a register's value (the one cast, or the chosen one; never called with
    /// null); false puts <paramref name="message"/> on the register with <paramref name="code"/>.</summary>
    public Changeset<T> Validate<TValue>(Expression<Func<T, MvReg<TValue>?>> property, Func<TValue, bool> isValid, string message, string code = ChangesetErrorCodes.Invalid) where TValue : notnull
    {
        ArgumentNullException.ThrowIfNull(isValid);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        Add(new PropertyRule(Scalar(property), code, message, v => isValid((TValue)v!)));
        return this;
    }

    /// <summary>The message a failed <c>[Check]</c> shows (here and when the database refuses it),
    /// instead of "does not pass the check name".</summary>
    public Changeset<T> CheckMessage(string check, string message)
    {
        if (_fields.Map.Rules.Checks.All(c => c.Name != check))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{typeof(T).Name} has no check '{check}'; it has {string.Join(", ", _fields.Map.Rules.Checks.Select(c => c.Name))}.");
        _checkMessages[check] = message;
        _errors = null;
        return this;
    }

    /// <summary>True when there is no error: every value cast, every rule holds, and the last save
    /// through <see cref="ChangesetSaving"/> was not refused.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Every error, in this order: casts, validators, the model's rules and checks, the database's refusals.</summary>
    public IReadOnlyList<ChangesetError> Errors => _errors ??= Collect();

    /// <summary>The errors of one property.</summary>
    public IReadOnlyList<ChangesetError> ErrorsFor(Expression<Func<T, object?>> property)
    {
        string path = _fields.Of(property).Path;
        return [.. Errors.Where(e => e.Path == path)];
    }

    /// <summary>The messages by document path, the shape of a validation problem's <c>errors</c>
    /// (a <see cref="Dictionary{TKey, TValue}"/>, as ASP.NET's <c>ValidationProblem</c> takes it).</summary>
    public Dictionary<string, string[]> ErrorsByPath()
        => Errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);

    /// <summary>The value a property would have once applied (a counter's number, a flag's bool, a set's elements,
    /// a register's value cast or, when not cast, the one it chooses of its values).</summary>
    public object? ValueOf(Expression<Func<T, object?>> property) => ValueOf(_fields.Of(property));

    /// <summary>Writes the changes onto <see cref="Entity"/> and stores it in <paramref name="session"/>
    /// (an object the session tracks needs nothing more), so its next save writes them in one commit.
    /// An invalid changeset is an <see cref="InvalidInputException"/>: look at <see cref="IsValid"/> first.</summary>
    public void ApplyTo(DocumentSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!ReferenceEquals(session.Model, Model))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"This changeset of {typeof(T).Name} was made under another model than the session's; make it with Changeset.For(entity, session.Model).");
        if (!IsValid)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"This changeset of {typeof(T).Name} is not valid ({string.Join("; ", Errors)}); look at IsValid before applying it.");
        // Outer paths first: a nested object cleared before anything is written inside another.
        foreach (var (field, value) in _changes.Values.OrderBy(c => c.Field.Path.Count(ch => ch == '.')))
            field.Write(Entity, value);
        session.Store(Entity);
    }

    bool IChangeset.Refused(CausewayException refusal)
    {
        if (Refusals.Of(refusal, _fields, _fields.Map.GetId(Entity), _checkMessages) is not { } errors) return false;
        _refusals.AddRange(errors);
        _errors = null;
        return true;
    }

    void IChangeset.ClearRefusals()
    {
        _refusals.Clear();
        _errors = null;
    }

    private void Walk(JsonElement input, string prefix, IReadOnlySet<string> allowed)
    {
        foreach (var member in input.EnumerateObject())
        {
            string path = prefix + member.Name;
            var field = _fields.Find(path);
            if (field is { Kind: ChangeKind.Nested } && member.Value.ValueKind == JsonValueKind.Object)
            {
                Walk(member.Value, path + ".", allowed);
                continue;
            }
            if (field is null || !IsPermitted(path, allowed))
            {
                _ignored.Add(path);
                continue;
            }
            _castErrors.Remove(path);
            _refusals.RemoveAll(r => r.Path == path);   // the database said it of the value this replaces
            if (!InputCast.TryCast(field, member.Value, out var value, out var problem)) Refuse(field, problem);
            else if (field.Kind == ChangeKind.Counter && Overflows(field, (long)value!)) Refuse(field, (ChangesetErrorCodes.InvalidType, "is out of range"));
            else Change(field, value);
        }
    }

    private void Refuse(ChangeField field, (string Code, string Message) problem)
    {
        _changes.Remove(field.Path);
        _castErrors[field.Path] = new ChangesetError(field.Property, field.Path, problem.Code, problem.Message);
    }

    /// <summary>Whether the increment from the counter's value to <paramref name="target"/> is past a long.</summary>
    private bool Overflows(ChangeField field, long target)
    {
        long current = (long)field.Read(Entity)!;
        return current < 0 ? target > long.MaxValue + current : target < long.MinValue + current;
    }

    private void Change(ChangeField field, object? value)
    {
        // A cleared object and values inside it cannot both stand: the later one wins.
        if (field.Kind == ChangeKind.Nested)
            foreach (var inner in _changes.Keys.Where(k => k.StartsWith(field.Path + ".", StringComparison.Ordinal)).ToList()) _changes.Remove(inner);
        for (var parent = field.Parent; parent is not null; parent = parent.Parent) _changes.Remove(parent.Path);
        _changes[field.Path] = (field, value);
    }

    private static bool IsPermitted(string path, IReadOnlySet<string> allowed)
    {
        for (string? at = path; at is not null; at = at.LastIndexOf('.') is > 0 and var dot ? at[..dot] : null)
            if (allowed.Contains(at)) return true;
        return false;
    }

    private HashSet<string> Permitted(string[] permitted)
    {
        ArgumentNullException.ThrowIfNull(permitted);
        foreach (var path in permitted) _fields.Named(path);
        return new HashSet<string>(permitted, StringComparer.Ordinal);
    }

    private string[] Paths(Expression<Func<T, object?>>[] properties) => [.. properties.Select(p => _fields.Of(p).Path)];

    /// <summary>The field of a scalar property or of a register, whose rules see its one value.</summary>
    private ChangeField Scalar(LambdaExpression property)
    {
        var field = _fields.Of(property);
        if (field.Kind is not (ChangeKind.Scalar or ChangeKind.Register))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{field.Property} is a {field.TypeName}; this validator reads scalar properties and registers (use ValidateRange for a counter, ValidateLength for a set).");
        return field;
    }

    private Changeset<T> Format(LambdaExpression property, Regex pattern, string? message)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Add(new PropertyRule(_fields.Of(property), ChangesetErrorCodes.InvalidFormat, message ?? "has an invalid format", v => pattern.IsMatch((string)v!)));
        return this;
    }

    private static Regex Pattern(string pattern)
    {
        try { return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{pattern}' is not a pattern that runs without backtracking ({e.Message}); pass a Regex to use another.", e);
        }
    }

    private Changeset<T> Inclusion(LambdaExpression property, IEnumerable<object?> allowed, string? message)
    {
        var field = Scalar(property);
        var set = allowed.ToHashSet();
        Add(new PropertyRule(field, ChangesetErrorCodes.NotIncluded, message ?? $"must be one of {string.Join(", ", set)}", set.Contains));
        return this;
    }

    private void Add(PropertyRule rule)
    {
        _rules.Add(rule);
        _errors = null;
    }

    private object? ValueOf(ChangeField field)
    {
        if (_changes.TryGetValue(field.Path, out var change)) return change.Value;
        for (var parent = field.Parent; parent is not null; parent = parent.Parent)
            if (_changes.TryGetValue(parent.Path, out var cleared) && cleared.Value is null) return Empty(field);
        return field.Read(Entity);
    }

    /// <summary>What a property reads as inside an object that is null: nothing, no increments, disabled, empty.</summary>
    private static object? Empty(ChangeField field) => field.Kind switch
    {
        ChangeKind.Counter => 0L,
        ChangeKind.Flag => false,
        ChangeKind.Set => Array.Empty<object>(),
        _ => null,
    };

    private List<ChangesetError> Collect()
    {
        var errors = new List<ChangesetError>(_castErrors.Values);
        foreach (var rule in _rules)
        {
            if (_castErrors.ContainsKey(rule.Field.Path)) continue;   // "must be a number" says it already
            if (rule.Test(ValueOf(rule.Field)) is { } error && !errors.Contains(error)) errors.Add(error);
        }
        foreach (var error in ModelRules.FailedChecks(_fields, ValueOf, _checkMessages))
            if (!errors.Contains(error)) errors.Add(error);
        errors.AddRange(_refusals.Where(r => !errors.Contains(r)));
        return errors;
    }
}
