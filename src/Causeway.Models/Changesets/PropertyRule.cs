using System.Globalization;
using Causeway.Values;

namespace Causeway.Models;

/// <summary>One validation of one property's value as the changeset would leave it: when
/// <see cref="Holds"/> is false, the property gets <see cref="Code"/> and <see cref="Message"/>.
/// Null passes every rule but the ones that test null (required).</summary>
internal sealed record PropertyRule(ChangeField Field, string Code, string Message, Func<object?, bool> Holds, bool TestsNull = false)
{
    public ChangesetError? Test(object? value)
        => value is null && !TestsNull || Holds(value) ? null : new ChangesetError(Field.Property, Field.Path, Code, Message);

    public static PropertyRule Required(ChangeField field, string? message = null)
        => new(field, ChangesetErrorCodes.Required, message ?? "can't be blank", v => v is not null && (v is not string s || !string.IsNullOrWhiteSpace(s)), TestsNull: true);

    public static PropertyRule AtLeast(ChangeField field, double min, string? message = null)
        => new(field, ChangesetErrorCodes.TooSmall, message ?? $"must be at least {Text(min)}", v => Number(v) >= min);

    public static PropertyRule AtMost(ChangeField field, double max, string? message = null)
        => new(field, ChangesetErrorCodes.TooLarge, message ?? $"must be at most {Text(max)}", v => Number(v) <= max);

    public static double Number(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    public static string Text(double number) => number.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the model itself says of its properties, applied to every changeset:
/// <c>[Required]</c> (on a register too: it may not be cleared), a bounded counter's <c>[Bounds]</c>, and each <c>[Check]</c> that reads only
/// scalar properties, evaluated here as the database would.</summary>
internal static class ModelRules
{
    public static IEnumerable<PropertyRule> Of(ChangeFields fields)
    {
        foreach (var field in fields.All)
        {
            var options = field.Member.Options;
            if (options.Required && field.Kind is ChangeKind.Scalar or ChangeKind.Nested or ChangeKind.Register) yield return PropertyRule.Required(field);
            if (field.Kind != ChangeKind.Counter) continue;
            if (options.Min is { } min) yield return PropertyRule.AtLeast(field, min);
            if (options.Max is { } max) yield return PropertyRule.AtMost(field, max);
        }
    }

    /// <summary>The model's checks that are false for the values <paramref name="valueOf"/> gives, one
    /// error on each property a failed check reads. A check that reads anything but scalar properties
    /// is left to the database.</summary>
    public static IEnumerable<ChangesetError> FailedChecks(ChangeFields fields, Func<ChangeField, object?> valueOf, IReadOnlyDictionary<string, string> messages)
    {
        foreach (var check in fields.Map.Rules.Checks)
        {
            var read = check.Expression.Fields.Select(fields.Find).ToList();
            if (read.Any(f => f is not { Kind: ChangeKind.Scalar })) continue;
            var values = read.ToDictionary(f => f!.Path, f => Encode(valueOf(f!)), StringComparer.Ordinal);
            if (check.Expression.Allows(path => values.GetValueOrDefault(path))) continue;
            foreach (var field in read) yield return CheckError(field!, check.Name, messages);
        }
    }

    public static ChangesetError CheckError(ChangeField field, string check, IReadOnlyDictionary<string, string> messages)
        => new(field.Property, field.Path, ChangesetErrorCodes.CheckFailed, messages.GetValueOrDefault(check) ?? $"does not pass the check {check}");

    /// <summary>A plain scalar as the document would store it (null: absent).</summary>
    private static Value? Encode(object? value) => value switch
    {
        null => null,
        string s => Value.String(s),
        bool b => Value.Bool(b),
        int i => Value.Int(i),
        long l => Value.Int(l),
        double d => Value.Double(d),
        decimal m => Value.Decimal(m),
        DateTimeOffset t => Value.Timestamp(t),
        byte[] bytes => Value.Bytes(bytes),
        Guid g => Value.String(g.ToString("D")),
        IRef r => Value.String(r.Id),
        _ => null,
    };
}
