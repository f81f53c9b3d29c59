using System.Text;

namespace Causeway.Encoding;

/// <summary>Orders map keys as DAG-CBOR does: by UTF-8 byte length, then bytewise. (Not ordinal
/// string order: "b" sorts before "aa", and U+E000 before U+10000.) Compares code points,
/// which for equal UTF-8 lengths is the same as comparing the bytes, without encoding.</summary>
public sealed class DagCborKeyComparer : IComparer<string>
{
    public static readonly DagCborKeyComparer Instance = new();

    private DagCborKeyComparer() { }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int byLength = System.Text.Encoding.UTF8.GetByteCount(x).CompareTo(System.Text.Encoding.UTF8.GetByteCount(y));
        if (byLength != 0) return byLength;
        SpanRuneEnumerator a = x.AsSpan().EnumerateRunes();
        SpanRuneEnumerator b = y.AsSpan().EnumerateRunes();
        while (true)
        {
            bool moreA = a.MoveNext(), moreB = b.MoveNext();
            if (!moreA || !moreB) return moreA.CompareTo(moreB);
            int order = a.Current.Value.CompareTo(b.Current.Value);
            if (order != 0) return order;
        }
    }
}
