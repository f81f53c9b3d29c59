using System.Globalization;
using System.Text.Json;
using Causeway.Encoding;

namespace Causeway.Tests.Encoding;

/// <summary>Writes IPLD trees in the tagged interchange form tests/js/dagcbor-reference.mjs reads.
/// Written straight from the tree, without the encoder under test: integers as decimal strings,
/// floats as their exact IEEE 754 bits, bytes and binary CIDs as hex.</summary>
internal static class TaggedJson
{
    public static void Write(Utf8JsonWriter json, IpldNode node)
    {
        json.WriteStartObject();
        switch (node)
        {
            case IpldNull:
                json.WriteString("t", "null");
                break;
            case IpldBool b:
                json.WriteString("t", "bool");
                json.WriteBoolean("v", b.Value);
                break;
            case IpldInteger i:
                json.WriteString("t", "int");
                json.WriteString("v", i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case IpldFloat f:
                json.WriteString("t", "float");
                json.WriteString("bits", BitConverter.DoubleToUInt64Bits(f.Value).ToString("x16", CultureInfo.InvariantCulture));
                break;
            case IpldString s:
                json.WriteString("t", "string");
                json.WriteString("v", s.Value);
                break;
            case IpldBytes bytes:
                json.WriteString("t", "bytes");
                json.WriteString("hex", Hex.Of(bytes.Value.Span));
                break;
            case IpldLink link:
                json.WriteString("t", "link");
                json.WriteString("hex", Hex.Of(link.Value.Bytes));
                break;
            case IpldList list:
                json.WriteString("t", "list");
                json.WriteStartArray("items");
                foreach (IpldNode item in list.Items) Write(json, item);
                json.WriteEndArray();
                break;
            case IpldMap map:
                json.WriteString("t", "map");
                json.WriteStartArray("entries");
                foreach (var (key, value) in map.Entries)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(key);
                    Write(json, value);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                break;
            default:
                throw new ArgumentException(node.GetType().Name);
        }
        json.WriteEndObject();
    }
}
