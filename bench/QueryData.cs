using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Causeway.Bench;

/// <summary>The four kinds of query every engine of the query benchmarks answers, all with limit 10.</summary>
internal enum QueryKind
{
    /// <summary><c>status = S</c>.</summary>
    Equality,
    /// <summary><c>price ≥ Low and price &lt; High</c>.</summary>
    Range,
    /// <summary><c>sku starts with Prefix</c>.</summary>
    Prefix,
    /// <summary><c>category = C</c> ordered by <c>price</c> descending (top-K with a filter).</summary>
    TopK,
}

/// <summary>One run of a query kind with its parameters (they vary from run to run).</summary>
internal sealed record QueryCase(QueryKind Kind, string Status, long Low, long High, string Prefix, string Category);

/// <summary>The documents of the query benchmarks: a deterministic function of their number, so every
/// engine gets the same data and a document can be made again at any time without storing it. Each
/// is a JSON object of about 500 bytes in collection <see cref="Collection"/>:
/// <c>{ "status": one of 5, "category": one of 100, "price": an int or a double, "sku": unique,
/// "name", "tags": 3 strings, "createdAt", "note": filler }</c>. The fields the queries read are also
/// kept in arrays, which give every query's expected answer.</summary>
internal sealed class QueryData
{
    public const string Collection = "items";
    public const int Limit = 10;
    public const int TargetBytes = 500;
    private const ulong Seed = 0x5EED_CA05_E3A7_2026;

    public static readonly string[] Statuses = ["new", "paid", "shipped", "delivered", "returned"];
    private const int Categories = 100;
    private static readonly string[] Words =
    [
        "oak", "chair", "lamp", "steel", "linen", "table", "garden", "blue", "red", "green", "sturdy", "light",
        "classic", "modern", "walnut", "glass", "wool", "cotton", "shelf", "desk", "mirror", "rug", "vase", "stool",
        "bench", "frame", "clock", "basket", "cushion", "curtain", "kettle", "bowl", "plate", "cup", "knife", "spoon",
        "brass", "copper", "marble", "cedar", "pine", "birch", "silver", "golden", "small", "large", "round", "square",
    ];

    private readonly byte[] _status;
    private readonly byte[] _category;
    private readonly double[] _price;
    private readonly int[] _sku;

    public QueryData(int count)
    {
        if (count is < 1 or > 10_000_000) throw new ArgumentException("--docs is at most 10,000,000");
        Count = count;
        _status = new byte[count];
        _category = new byte[count];
        _price = new double[count];
        _sku = new int[count];
        for (int i = 0; i < count; i++)
        {
            _status[i] = (byte)(Hash(i, 1) % (ulong)Statuses.Length);
            _category[i] = (byte)(Hash(i, 2) % Categories);
            // Even documents have whole prices (ints), odd ones prices with cents (doubles, never whole).
            _price[i] = i % 2 == 0 ? 1 + (long)(Hash(i, 3) % 100_000) : 1 + (long)(Hash(i, 3) % 9_999_900) / 100.0 + 0.005;
            // A bijection of [0, 10^7): 7,654,321 is prime to 10, so every document has its own SKU.
            _sku[i] = (int)((long)i * 7_654_321 % 10_000_000);
        }
        // SKU prefixes of this many digits match about 100 documents each (at least one).
        PrefixDigits = Math.Clamp((int)Math.Floor(Math.Log10(count)) - 2, 1, 6);
    }

    public int Count { get; }
    private int PrefixDigits { get; }

    public static string Id(int i) => "d" + i.ToString("D7", CultureInfo.InvariantCulture);
    public static int Index(string id) => int.Parse(id.AsSpan(1), CultureInfo.InvariantCulture);
    public string Sku(int i) => "SKU-" + _sku[i].ToString("D7", CultureInfo.InvariantCulture);
    public string Status(int i) => Statuses[_status[i]];
    public static string CategoryName(int c) => "cat-" + c.ToString("D3", CultureInfo.InvariantCulture);
    public double Price(int i) => _price[i];

    /// <summary>Document <paramref name="i"/> as JSON, about <see cref="TargetBytes"/> bytes; with
    /// <paramref name="withId"/>, its id first as <c>_id</c> (PouchDB's form).</summary>
    public string Json(int i, bool withId = false)
    {
        var buffer = new ArrayBufferWriter<byte>(640);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (withId) w.WriteString("_id", Id(i));
            w.WriteString("status", Status(i));
            w.WriteString("category", CategoryName(_category[i]));
            if (i % 2 == 0) w.WriteNumber("price", (long)_price[i]);
            else w.WriteNumber("price", _price[i]);
            w.WriteString("sku", Sku(i));
            w.WriteString("name", $"{Word(i, 4)} {Word(i, 5)} {Word(i, 6)} {Hash(i, 7) % 10_000}");
            w.WriteStartArray("tags");
            for (int t = 0; t < 3; t++) w.WriteStringValue(Word(i, 8 + t));
            w.WriteEndArray();
            w.WriteString("createdAt", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i * 7L).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.Flush();
            // Filler text up to the target size (the rest of the object is about 200 bytes).
            var note = new StringBuilder();
            int room = TargetBytes - (int)w.BytesCommitted - "\"note\":\"\"}".Length - 1;
            for (int k = 11; note.Length < room; k++) note.Append(Word(i, k)).Append(' ');
            w.WriteString("note", note.ToString(0, Math.Max(0, room)));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The parameters of run <paramref name="number"/> of a query kind: they change from run to
    /// run (status, price window, SKU prefix, category), the same on every engine.</summary>
    public QueryCase Case(QueryKind kind, int number)
    {
        ulong h = Hash(number, 100 + (int)kind);
        string status = Statuses[number % Statuses.Length];
        long low = 1 + (long)(h % 99_000);
        // A window of 1,000 in prices of 1–100,000: about 1% of the documents.
        long high = low + 1_000;
        int doc = (int)(h % (ulong)Count);
        string prefix = Sku(doc)[..(4 + PrefixDigits)];
        string category = CategoryName((int)(h / 7 % Categories));
        return new QueryCase(kind, status, low, high, prefix, category);
    }

    public bool Matches(QueryCase c, int i) => c.Kind switch
    {
        QueryKind.Equality => Status(i) == c.Status,
        QueryKind.Range => _price[i] >= c.Low && _price[i] < c.High,
        QueryKind.Prefix => Sku(i).StartsWith(c.Prefix, StringComparison.Ordinal),
        QueryKind.TopK => CategoryName(_category[i]) == c.Category,
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>Checks one answer (document ids, in the engine's order) against the data: every
    /// document matches and is among the first <paramref name="upTo"/> (those loaded as of the read);
    /// there are as many as the limit allows; for top-K, the prices are the highest ones, in order
    /// (ties may be broken differently). Null when right, otherwise what is wrong.</summary>
    public string? Check(QueryCase c, IReadOnlyList<string> ids, int upTo)
    {
        int total = 0;
        var top = new List<double>();
        for (int i = 0; i < upTo; i++)
        {
            if (!Matches(c, i)) continue;
            total++;
            if (c.Kind == QueryKind.TopK) top.Add(_price[i]);
        }
        int expected = Math.Min(total, Limit);
        if (ids.Count != expected) return $"{ids.Count} documents instead of {expected}";
        if (ids.Distinct().Count() != ids.Count) return "a document came twice";
        foreach (var id in ids)
        {
            int i = Index(id);
            if (i >= upTo || !Matches(c, i)) return $"{id} does not match";
        }
        if (c.Kind == QueryKind.TopK)
        {
            var want = top.OrderDescending().Take(Limit);
            if (!want.SequenceEqual(ids.Select(id => _price[Index(id)]))) return "the prices are not the highest ones in descending order";
        }
        return null;
    }

    private static string Word(int i, int k) => Words[Hash(i, k) % (ulong)Words.Length];

    /// <summary>SplitMix64 of the document number and a field number.</summary>
    private static ulong Hash(int i, int field)
    {
        ulong z = Seed + (ulong)i * 0x9E37_79B9_7F4A_7C15 + (ulong)field * 0xD1B5_4A32_D192_ED03;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }
}
