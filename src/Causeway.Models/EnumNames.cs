using Causeway.Errors;

namespace Causeway.Models;

/// <summary>An enum value as the document stores it: its name (<c>"Shipped"</c>; a <c>[Flags]</c>
/// combination as <c>"Gift, Fragile"</c>), so reordering or renumbering the enum never changes what a
/// stored document means. Numbers are no names: a value the enum does not name is refused.</summary>
internal static class EnumNames
{
    /// <summary>The stored name of <paramref name="value"/>; an unnamed value is an <see cref="InvalidInputException"/>.</summary>
    public static string Of(Enum value)
    {
        string name = value.ToString();
        if (IsNumber(name))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"{name} is not a named value of {value.GetType().Name}, so it has no stored form.");
        return name;
    }

    /// <summary>The value a stored name stands for, or false when <typeparamref name="TEnum"/> does not name it.</summary>
    public static bool TryParse<TEnum>(string name, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return !IsNumber(name) && Enum.TryParse(name, ignoreCase: false, out value) && !IsNumber(value.ToString());
    }

    /// <summary><see cref="TryParse{TEnum}"/> for a type known at run time (a changeset's input).</summary>
    public static bool TryParse(Type type, string name, out object? value)
    {
        value = null;
        if (IsNumber(name) || !Enum.TryParse(type, name, ignoreCase: false, out var parsed) || IsNumber(parsed!.ToString()!)) return false;
        value = parsed;
        return true;
    }

    /// <summary>The value of <paramref name="type"/> a query's operand stands for: C# compares an enum
    /// property with its number (<c>(int)x.Status == 2</c>), so the number is turned back into the enum.</summary>
    public static Enum? FromOperand(Type type, object? operand) => operand switch
    {
        null => null,
        Enum e when e.GetType() == type => e,
        _ => (Enum)Enum.ToObject(type, operand),
    };

    private static bool IsNumber(string name) => name.Length > 0 && (char.IsAsciiDigit(name[0]) || name[0] is '-' or '+');

    /// <summary>The enum type of a property (or of its nullable), or null.</summary>
    public static Type? EnumOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } e ? e : null;
}
