using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Values;

/// <summary>JSON in and out (docs/data-model.md, Values). Plain JSON maps onto null, bool, int (an
/// integer literal that fits 64 bits), double (a number with a fraction or exponent), string, array
/// and map. Three one-key objects name the other kinds: <c>{"$decimal": "1.50"}</c>,
/// <c>{"$time": "2026-01-02T03:04:05Z"}</c>, <c>{"$bytes": "base64"}</c>. Output is typed by default,
/// in those same forms with doubles that always show a fraction or exponent, so what is written
/// parses back to the same value; plain output (<c>typed: false</c>, <c>?values=plain</c>) writes a
/// decimal, a timestamp and bytes as strings. Input that would lose digits is refused
/// (<c>invalid_value</c>): an integer beyond 64 bits, a number beyond a double, a <c>$decimal</c>
/// with more digits than a decimal keeps.</summary>
public static class ValueJson
{
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    public static Value Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Parses one JSON value; anything malformed is an <see cref="InvalidInputException"/> with code invalid_json.</summary>
    public static Value Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!reader.Read()) throw new InvalidInputException(ErrorCodes.InvalidJson, "The body is empty; a JSON value was expected.");
            var value = Read(ref reader);
            if (reader.Read()) throw new InvalidInputException(ErrorCodes.InvalidJson, $"Unexpected data after the JSON value at byte {reader.TokenStartIndex}.");
            return value;
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(ErrorCodes.InvalidJson, $"Malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}", e);
        }
    }

    public static Value FromElement(JsonElement element)
    {
        try { return Parse(System.Text.Encoding.UTF8.GetBytes(element.GetRawText())); }
        catch (InvalidOperationException e) { throw new InvalidInputException(ErrorCodes.InvalidJson, "A JSON string is not valid UTF-8 or UTF-16.", e); }
    }

    private static Value Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return Value.Null;
            case JsonTokenType.True: return Value.True;
            case JsonTokenType.False: return Value.False;
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out long l)) return Value.Int(l);
                return ReadDouble(ref reader);
            case JsonTokenType.String:
                return Value.String(GetString(ref reader));
            case JsonTokenType.StartArray:
            {
                var items = new List<Value>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(Read(ref reader));
                return Value.Array(items);
            }
            case JsonTokenType.StartObject:
            {
                var entries = new List<KeyValuePair<string, Value>>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string key = GetString(ref reader);
                    reader.Read();
                    entries.Add(new(key, Read(ref reader)));
                }
                if (entries.Count == 1 && entries[0].Key.StartsWith('$')) return ReadTyped(entries[0].Key, entries[0].Value);
                return Value.Map(entries);
            }
            default:
                throw new InvalidInputException(ErrorCodes.InvalidJson, $"Unexpected JSON token {reader.TokenType}.");
        }
    }

    /// <summary>A number that is not a 64-bit integer: a double when it has a fraction or exponent and
    /// fits; otherwise refused, since storing it would lose digits.</summary>
    private static Value ReadDouble(ref Utf8JsonReader reader)
    {
        string text = System.Text.Encoding.ASCII.GetString(reader.ValueSpan); // a JSON number is ASCII, without escapes
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            string hint = text.Length <= 40 && decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? $"write {{\"$decimal\": \"{text}\"}} to keep it exact"
                : "write it as a string (a $decimal holds at most 28 digits)";
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"The integer {Clip(text)} does not fit in 64 bits and would lose digits as a double; {hint}.");
        }
        if (reader.TryGetDouble(out double d) && double.IsFinite(d)) return Value.Double(d);
        throw new InvalidInputException(ErrorCodes.InvalidValue, $"The number {Clip(text)} is beyond a double (±1.7976931348623157E+308); write it as a string.");
    }

    private static string GetString(ref Utf8JsonReader reader)
    {
        try { return reader.GetString()!; }
        catch (InvalidOperationException e) { throw new InvalidInputException(ErrorCodes.InvalidJson, "A JSON string is not valid UTF-16 (unpaired surrogate escape).", e); }
    }

    private static Value ReadTyped(string tag, Value content)
    {
        if (tag is not ("$decimal" or "$time" or "$bytes"))
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"Keys starting with '$' are reserved; '{Clip(tag)}' is not a known type tag ($decimal, $time, $bytes).");
        if (content.Kind != ValueKind.String)
            throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{tag}' takes a string.");
        string s = content.AsString();
        switch (tag)
        {
            case "$decimal":
                if (!decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var m))
                    throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Clip(s)}' is not a decimal number (or is beyond ±79228162514264337593543950335).");
                if (!KeepsEveryDigit(s, m))
                    throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Clip(s)}' has more digits than a decimal keeps (28 after the point, 28 or 29 in all): it would be rounded.");
                return Value.Decimal(m);
            case "$time":
                if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && s.Contains('T'))
                    return Value.Timestamp(t);
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"'{Clip(s)}' is not an RFC 3339 time.");
            case "$bytes":
                var buffer = new byte[(s.Length * 3 + 3) / 4];
                if (Convert.TryFromBase64String(s, buffer, out int n)) return Value.Bytes(buffer.AsSpan(0, n));
                throw new InvalidInputException(ErrorCodes.InvalidValue, "'$bytes' takes base64 text.");
            default:
                throw new InvalidInputException(ErrorCodes.InvalidValue, $"Keys starting with '$' are reserved; '{Clip(tag)}' is not a known type tag ($decimal, $time, $bytes).");
        }
    }

    /// <summary>Whether <paramref name="text"/>, parsed as <paramref name="parsed"/>, kept every digit:
    /// decimal rounds what goes past its 96-bit mantissa or 28 digits after the point.</summary>
    private static bool KeepsEveryDigit(string text, decimal parsed)
    {
        static string Significant(ReadOnlySpan<char> number)
        {
            var digits = new StringBuilder(number.Length);
            foreach (char c in number) if (char.IsAsciiDigit(c)) digits.Append(c);
            return digits.ToString().Trim('0');
        }
        int exponent = text.AsSpan().IndexOfAny('e', 'E');
        var mantissa = exponent < 0 ? text.AsSpan() : text.AsSpan(0, exponent);
        if (Significant(mantissa) != Significant(parsed.ToString(CultureInfo.InvariantCulture))) return false;
        if (exponent >= 0) return true;
        int point = mantissa.IndexOf('.');
        return (point < 0 ? 0 : mantissa.Length - point - 1) == parsed.Scale;
    }

    /// <summary>Writes a value as JSON. Typed (the default, docs/api.md's answers) keeps every kind for a
    /// reader that parses it back (<see cref="Parse(ReadOnlySpan{byte})"/>): the one-key <c>$decimal</c>
    /// (exact digits, scale kept), <c>$time</c> (RFC 3339, UTC, microseconds) and <c>$bytes</c> (base64)
    /// objects, and doubles that always show a fraction or exponent (<c>34.0</c>). Plain
    /// (<c>?values=plain</c>): a decimal is a string, a timestamp an RFC 3339 string, bytes a base64
    /// string, and a double is the shortest JSON number (so <c>34.0</c> is <c>34</c>).</summary>
    public static void Write(Utf8JsonWriter writer, Value value, bool typed = true)
    {
        switch (value.Kind)
        {
            case ValueKind.Null: writer.WriteNullValue(); break;
            case ValueKind.Bool: writer.WriteBooleanValue(value.AsBool()); break;
            case ValueKind.Int: writer.WriteNumberValue(value.AsInt()); break;
            case ValueKind.Double when typed:
                // "34" would come back as an integer; "34.0" stays a double.
                string text = value.AsDouble().ToString("R", CultureInfo.InvariantCulture);
                if (text.AsSpan().IndexOfAny('.', 'E', 'e') < 0) text += ".0";
                writer.WriteRawValue(text, skipInputValidation: true);
                break;
            case ValueKind.Double: writer.WriteNumberValue(value.AsDouble()); break;
            case ValueKind.Decimal when typed: WriteTagged(writer, "$decimal", value.AsDecimal().ToString(CultureInfo.InvariantCulture)); break;
            case ValueKind.Decimal: writer.WriteStringValue(value.AsDecimal().ToString(CultureInfo.InvariantCulture)); break;
            case ValueKind.String: writer.WriteStringValue(value.AsString()); break;
            case ValueKind.Bytes when typed: WriteTagged(writer, "$bytes", Convert.ToBase64String(value.AsBytes().Span)); break;
            case ValueKind.Bytes: writer.WriteBase64StringValue(value.AsBytes().Span); break;
            case ValueKind.Timestamp when typed: WriteTagged(writer, "$time", FormatTime(value.AsTimestamp())); break;
            case ValueKind.Timestamp:
                Span<char> time = stackalloc char[TimeLength];
                FormatTime(value.AsTimestamp(), time);
                writer.WriteStringValue(time);
                break;
            case ValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.ArrayItems) Write(writer, item, typed);
                writer.WriteEndArray();
                break;
            case ValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.MapEntries)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item, typed);
                }
                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteTagged(Utf8JsonWriter writer, string tag, string text)
    {
        writer.WriteStartObject();
        writer.WriteString(tag, text);
        writer.WriteEndObject();
    }

    public static string FormatTime(DateTimeOffset t)
    {
        Span<char> chars = stackalloc char[TimeLength];
        FormatTime(t, chars);
        return new string(chars);
    }

    /// <summary>The length of <see cref="FormatTime(DateTimeOffset)"/>'s text: "2026-01-02T03:04:05.123456Z".</summary>
    internal const int TimeLength = 27;

    /// <summary><see cref="FormatTime(DateTimeOffset)"/> into <paramref name="chars"/> (<see cref="TimeLength"/>
    /// long), without a custom format string: the round-trip form has seven digits of fraction, and the
    /// seventh goes (microseconds, cut as "ffffff" cuts).</summary>
    internal static void FormatTime(DateTimeOffset t, Span<char> chars)
    {
        Span<char> roundTrip = stackalloc char[TimeLength + 1];
        if (!t.UtcDateTime.TryFormat(roundTrip, out int written, "O", CultureInfo.InvariantCulture) || written != TimeLength + 1)
            throw new InvalidOperationException($"The round-trip form of {t.UtcDateTime.Ticks} ticks took {written} characters.");
        roundTrip[..(TimeLength - 1)].CopyTo(chars);
        chars[TimeLength - 1] = 'Z';
    }

    /// <summary>The value as JSON text, typed unless <paramref name="typed"/> is false (see <see cref="Write"/>).</summary>
    public static string ToJsonString(Value value, bool typed = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = 1024 }))
            Write(writer, value, typed);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i < 0 ? message : message[..(i + 1)];
    }

    /// <summary>A value from a <see cref="Value"/>, JSON text, or anything System.Text.Json serializes.</summary>
    internal static Value From<T>(T document) => document switch
    {
        Value value => value,
        string json => Parse(json),
        _ => Parse(JsonSerializer.SerializeToUtf8Bytes(document)),
    };
}
