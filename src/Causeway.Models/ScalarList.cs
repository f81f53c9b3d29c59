using Causeway.Values;

namespace Causeway.Models;

/// <summary>A <c>List&lt;T&gt;</c> or <c>T[]</c> of scalars: one <c>lww</c> value, the whole list. A
/// change anywhere in it writes the list again, so two replicas that change one list at once keep one
/// of the two lists (a set property keeps both changes, when order does not matter).</summary>
internal static class ScalarLists
{
    /// <summary>The element type when <paramref name="type"/> is a list or array of non-null scalars
    /// (<c>byte[]</c> is bytes, not a list), else null.</summary>
    public static Type? ElementOf(Type type)
    {
        Type? element = type.IsArray && type.GetArrayRank() == 1 && type != typeof(byte[]) ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
            : null;
        return element is not null && ScalarTypes.TypeOf(element) is not null && Nullable.GetUnderlyingType(element) is null ? element : null;
    }

    /// <summary>A list or array of <paramref name="type"/> holding <paramref name="items"/> (a changeset's cast input).</summary>
    public static object Make(Type type, Type element, IReadOnlyList<object?> items)
    {
        if (type.IsArray)
        {
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            return array;
        }
        var list = (System.Collections.IList)Activator.CreateInstance(type)!;
        foreach (var item in items) list.Add(item);
        return list;
    }

    public static (Delegate Encode, Delegate Decode) ListOf<TElement>()
        => (new Func<List<TElement>?, Value?>(list => list is null ? null : Encode(list)),
            new Func<Value, List<TElement>?>(v => v.IsNull ? null : Decode<TElement>(v)));

    public static (Delegate Encode, Delegate Decode) ArrayOf<TElement>()
        => (new Func<TElement[]?, Value?>(array => array is null ? null : Encode(array)),
            new Func<Value, TElement[]?>(v => v.IsNull ? null : [.. Decode<TElement>(v)]));

    // A null element (a string list may hold one) is stored as null and reads back as null.
    private static Value Encode<TElement>(IEnumerable<TElement> elements)
        => Value.Array(elements.Select(e => e is null ? Value.Null : ScalarCodec<TElement>.Encode(e) ?? Value.Null));

    private static List<TElement> Decode<TElement>(Value value)
    {
        var list = new List<TElement>();
        foreach (var item in value.AsArray()) list.Add(item.IsNull ? default! : ScalarCodec<TElement>.Decode(item));
        return list;
    }
}
