using System.Globalization;
using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Models;

/// <summary>Turns one untrusted input value into a property's plain value, or says in a form's words
/// why it cannot ("must be a number"). Text is accepted for numbers, booleans, dates and ids, since
/// an HTML form sends nothing else.</summary>
internal static class InputCast
{
    /// <summary>The plain value, or the problem (its code and message).</summary>
    public static bool TryCast(ChangeField field, JsonElement input, out object? value, out (string Code, string Message) problem)
    {
        value = null;
        problem = default;
        bool isNull = input.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
        switch (field.Kind)
        {
            case ChangeKind.Nested:
                if (isNull) return true;
                problem = (ChangesetErrorCodes.InvalidType, "must be an object");
                return false;
            case ChangeKind.Counter:
                if (TryScalar(typeof(long), input, out value, out string? why)) return true;
                problem = (isNull ? ChangesetErrorCodes.Required : ChangesetErrorCodes.InvalidType, isNull ? "can't be blank" : why!);
                return false;
            case ChangeKind.Flag:
                if (TryScalar(typeof(bool), input, out value, out why)) return true;
                problem = (isNull ? ChangesetErrorCodes.Required : ChangesetErrorCodes.InvalidType, isNull ? "can't be blank" : why!);
                return false;
            case ChangeKind.Set:
                return TrySet(field.Element!, input, out value, out problem);
        }
        if (isNull)
        {
            if (field.Nullable) return true;
            problem = (ChangesetErrorCodes.Required, "can't be blank");
            return false;
        }
        if (TryScalar(field.Underlying, input, out value, out string? message)) return true;
        problem = (ChangesetErrorCodes.InvalidType, message!);
        return false;
    }

    private static bool TrySet(Type element, JsonElement input, out object? value, out (string Code, string Message) problem)
    {
        value = null;
        problem = default;
        if (input.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            value = Array.Empty<object>();   // no elements: a form's empty multi-select
            return true;
        }
        if (input.ValueKind != JsonValueKind.Array)
        {
            problem = (ChangesetErrorCodes.InvalidType, "must be a list");
            return false;
        }
        var elements = new List<object>();
        int index = 0;
        foreach (var item in input.EnumerateArray())
        {
            index++;
            object? one = null;
            string? why = item.ValueKind == JsonValueKind.Null ? "can't be blank" : TryScalar(element, item, out one, out string? wrong) ? null : wrong;
            if (why is not null)
            {
                problem = (ChangesetErrorCodes.InvalidType, $"element {index} {why}");
                return false;
            }
            if (!elements.Contains(one!)) elements.Add(one!);
        }
        value = elements.ToArray();
        return true;
    }

    /// <summary>A non-null scalar of <paramref name="type"/> (no <c>?</c>).</summary>
    private static bool TryScalar(Type type, JsonElement input, out object? value, out string? problem)
    {
        value = null;
        problem = null;
        string? text = input.ValueKind == JsonValueKind.String ? input.GetString() : null;
        if (type == typeof(string))
        {
            value = text;
            problem = text is null ? "must be text" : null;
        }
        else if (type == typeof(bool))
        {
            if (input.ValueKind is JsonValueKind.True or JsonValueKind.False) value = input.GetBoolean();
            else if (text is not null && bool.TryParse(text.Trim(), out bool parsed)) value = parsed;
            else problem = "must be true or false";
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            string raw = input.ValueKind == JsonValueKind.Number ? input.GetRawText() : text?.Trim() ?? "";
            string digits = raw.StartsWith('-') || raw.StartsWith('+') ? raw[1..] : raw;
            if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) problem = "must be a whole number";
            else if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) || type == typeof(int) && n is < int.MinValue or > int.MaxValue)
                problem = "is out of range";
            else value = type == typeof(int) ? (object)(int)n : n;
        }
        else if (type == typeof(double))
        {
            double? number = input.ValueKind == JsonValueKind.Number && input.TryGetDouble(out double d) ? d
                : text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double t) ? t
                : null;
            if (number is { } finite && double.IsFinite(finite)) value = finite;
            else problem = number is null ? "must be a number" : "is out of range";
        }
        else if (type == typeof(decimal))
        {
            decimal? number = input.ValueKind == JsonValueKind.Number && input.TryGetDecimal(out decimal m) ? m
                : text is not null && decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal t) ? t
                : null;
            if (number is not null) value = number.Value;
            else problem = IsNumber(input, text) ? "is out of range" : "must be a number";
        }
        else if (type == typeof(DateTimeOffset))
        {
            if (text is not null && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) value = time;
            else problem = "must be a date and time";
        }
        else if (type == typeof(Guid))
        {
            if (text is not null && Guid.TryParse(text.Trim(), out var guid)) value = guid;
            else problem = "must be a UUID";
        }
        else if (type == typeof(byte[]))
        {
            if (input.ValueKind == JsonValueKind.String && input.TryGetBytesFromBase64(out var bytes)) value = bytes;
            else problem = "must be base64 text";
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Ref<>))
        {
            if (text is null) problem = "must be an id";
            else
            {
                try { value = Activator.CreateInstance(type, text); }
                catch (System.Reflection.TargetInvocationException e) when (e.InnerException is InvalidInputException) { problem = "is not a valid id"; }
            }
        }
        else if (type.IsEnum)
        {
            // Only the names: a number would reach values the enum does not name.
            if (text is null || !EnumNames.TryParse(type, text.Trim(), out value)) problem = $"must be one of {string.Join(", ", Enum.GetNames(type))}";
        }
        else if (ScalarLists.ElementOf(type) is { } element) problem = TryList(type, element, input, out value);
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) problem = TryDictionary(type, input, out value);
        else throw new InvalidInputException(ErrorCodes.InvalidValue, $"{type.Name} is not a scalar a changeset casts.");
        return problem is null;
    }

    /// <summary>A list or array of scalars, every element cast as its own scalar; the problem, or null.</summary>
    private static string? TryList(Type type, Type element, JsonElement input, out object? value)
    {
        value = null;
        if (input.ValueKind != JsonValueKind.Array) return "must be a list";
        var items = new List<object?>();
        int index = 0;
        foreach (var item in input.EnumerateArray())
        {
            index++;
            if (item.ValueKind == JsonValueKind.Null) return $"element {index} can't be blank";
            if (!TryScalar(element, item, out object? one, out string? why)) return $"element {index} {why}";
            items.Add(one);
        }
        value = ScalarLists.Make(type, element, items);
        return null;
    }

    /// <summary>A dictionary of scalars from a JSON object: every key a field name, every value cast as
    /// its scalar, a null value no entry; the problem, or null.</summary>
    private static string? TryDictionary(Type type, JsonElement input, out object? value)
    {
        value = null;
        if (input.ValueKind != JsonValueKind.Object) return "must be an object";
        var valueType = type.GetGenericArguments()[1];
        var entries = (System.Collections.IDictionary)Activator.CreateInstance(type)!;
        foreach (var entry in input.EnumerateObject())
        {
            try { Documents.FieldPath.CheckName(entry.Name, topLevel: false); }
            catch (InvalidInputException) { return $"has a key that is not a field name ('{Documents.Names.Clip(entry.Name)}')"; }
            if (entry.Value.ValueKind == JsonValueKind.Null) continue;
            if (!TryScalar(Nullable.GetUnderlyingType(valueType) ?? valueType, entry.Value, out object? one, out string? why)) return $"entry '{entry.Name}' {why}";
            entries[entry.Name] = one;
        }
        value = entries;
        return null;
    }

    private static bool IsNumber(JsonElement input, string? text)
        => input.ValueKind == JsonValueKind.Number
           || text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d);
}
