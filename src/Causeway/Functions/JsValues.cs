using System.Globalization;
using Causeway.Errors;
using Causeway.Values;
using Jint;
using Jint.Native;

namespace Causeway.Functions;

/// <summary>Values into a script and back. In, a <see cref="Value"/> becomes plain JavaScript data as the
/// HTTP API writes it (numbers, strings, arrays, objects; timestamps as RFC 3339 strings, bytes as
/// base64). Out, a script's value goes through the engine's own <c>JSON.stringify</c>, captured before
/// the script runs (so a script cannot replace it), inside the call's limits: getters and
/// <c>toJSON</c> run under them, a cyclic value is the script's TypeError, and undefined members are
/// dropped as in JSON. The text is then read as a Value, with the typed forms (<c>{"$time": ..}</c>).</summary>
internal sealed class JsValues(Engine engine, JsValue stringify, int maxBytes)
{
    public Engine Engine => engine;

    public JsValue ToJs(Value value) => value.Kind switch
    {
        ValueKind.Null => JsValue.Null,
        ValueKind.Bool => value.AsBool() ? JsBoolean.True : JsBoolean.False,
        ValueKind.Int => new JsNumber(value.AsInt()),
        ValueKind.Double => new JsNumber(value.AsDouble()),
        ValueKind.Decimal => new JsNumber((double)value.AsDecimal()),
        ValueKind.String => new JsString(value.AsString()),
        ValueKind.Bytes => new JsString(Convert.ToBase64String(value.AsBytes().Span)),
        ValueKind.Timestamp => new JsString(ValueJson.FormatTime(value.AsTimestamp())),
        ValueKind.Array => new JsArray(engine, [.. value.AsArray().Select(ToJs)]),
        _ => Object(value),
    };

    private JsObject Object(Value map)
    {
        var o = new JsObject(engine);
        foreach (var (key, member) in map.AsMap()) o.FastSetDataProperty(key, ToJs(member));
        return o;
    }

    /// <summary>A script's value as a <see cref="Value"/>; undefined is null. <paramref name="what"/> names
    /// it in errors ("the result", "the document").</summary>
    public Value FromJs(JsValue value, string function, string what)
    {
        if (value.IsUndefined() || value.IsNull()) return Value.Null;
        var text = engine.Invoke(stringify, JsValue.Undefined, [value]);
        if (text.IsUndefined()) throw new FunctionException(ErrorCodes.FunctionError, $"Function '{function}' gave {what} that JSON cannot hold (a function or a symbol).");
        string json = text.AsString();
        if (json.Length > maxBytes)
            throw new FunctionException(ErrorCodes.FunctionLimit, $"Function '{function}' gave {what} of {json.Length.ToString(CultureInfo.InvariantCulture)} characters of JSON; the limit is {maxBytes}.");
        try
        {
            return ValueJson.Parse(json);
        }
        catch (InvalidInputException e)
        {
            throw new FunctionException(ErrorCodes.FunctionError, $"Function '{function}' gave {what} that is not a value: {e.Message}");
        }
    }
}
