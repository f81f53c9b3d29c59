using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Causeway.Encoding;
using Xunit.Abstractions;

namespace Causeway.Tests.Encoding;

/// <summary>Cross-checks the C# encoder against the JavaScript reference (@ipld/dag-cbor 10.0.2,
/// multiformats 14.0.5) byte for byte, and the CIDs. Needs node and tests/js/node_modules
/// (`npm ci --prefix tests/js`); without them the test fails, it is never skipped.</summary>
public class JavaScriptReferenceTests(ITestOutputHelper output)
{
    private const int ValueCount = 1200;
    private const string InstallHint = "run `npm ci --prefix tests/js` from the repository root (needs Node.js 18+ on PATH)";

    [Fact]
    public async Task EncodingAndCidsMatchTheJavaScriptReference()
    {
        List<IpldNode> values = ReferenceValues.Build(ValueCount);
        Assert.True(values.Count >= 1000);

        byte[][] ours = values.Select(DagCbor.Encode).ToArray();
        byte[][] integralFloats = ReferenceValues.IntegralFloats.Select(f => DagCbor.Encode(IpldNode.Float(f))).ToArray();
        byte[] leadingBom = DagCbor.Encode(IpldNode.String("\uFEFFa"));

        var input = new MemoryStream();
        using (var json = new Utf8JsonWriter(input))
        {
            json.WriteStartObject();
            json.WriteStartArray("encode");
            foreach (IpldNode value in values) TaggedJson.Write(json, value);
            json.WriteEndArray();
            json.WriteStartArray("decode");
            foreach (byte[] bytes in ours.Concat(integralFloats).Append(leadingBom)) json.WriteStringValue(Hex.Of(bytes));
            json.WriteEndArray();
            json.WriteEndObject();
        }

        using JsonDocument result = JsonDocument.Parse(await RunReference(input.ToArray()));
        JsonElement encoded = result.RootElement.GetProperty("encoded");
        JsonElement decoded = result.RootElement.GetProperty("decoded");
        Assert.Equal(values.Count, encoded.GetArrayLength());
        Assert.Equal(ours.Length + integralFloats.Length + 1, decoded.GetArrayLength());

        int mismatches = 0, bomSkipped = 0;
        string? first = null;
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement js = encoded[i];
            string oursHex = Hex.Of(ours[i]);
            string? problem = null;
            if (js.TryGetProperty("error", out JsonElement error))
                problem = $"JS could not encode it: {error.GetString()}";
            else if (js.GetProperty("hex").GetString() != oursHex)
                problem = $"bytes differ\n  C#: {oursHex}\n  JS: {js.GetProperty("hex").GetString()}";
            else if (js.GetProperty("cid").GetString() != Cid.ForDagCbor(ours[i]).ToString())
                problem = $"CIDs differ\n  C#: {Cid.ForDagCbor(ours[i])}\n  JS: {js.GetProperty("cid").GetString()}";
            else if (HasLeadingBom(values[i]))
                bomSkipped++; // cborg drops a leading U+FEFF when decoding; see below
            else if (decoded[i].TryGetProperty("error", out JsonElement decodeError))
                problem = $"JS could not decode the C# bytes: {decodeError.GetString()}";
            else if (decoded[i].GetProperty("hex").GetString() != oursHex)
                problem = $"JS decode + re-encode of the C# bytes differs\n  C#: {oursHex}\n  JS: {decoded[i].GetProperty("hex").GetString()}";
            if (problem is null) continue;
            mismatches++;
            first ??= $"value #{i}: {Shorten(values[i].ToString())}\n{problem}";
        }
        Assert.True(mismatches == 0, $"{mismatches} of {values.Count} values disagree with @ipld/dag-cbor. First: {first}");

        // Integral floats: JS accepts our 64-bit encoding but, having one number type, turns
        // 2.0 back into the integer 2 (and -0.0 into 0) when it re-encodes.
        for (int i = 0; i < integralFloats.Length; i++)
        {
            JsonElement js = decoded[ours.Length + i];
            double value = ReferenceValues.IntegralFloats[i];
            Assert.False(js.TryGetProperty("error", out JsonElement error), $"JS rejected float {value}: {error}");
            Assert.Equal(Hex.Of(DagCbor.Encode(IpldNode.Integer((long)value))), js.GetProperty("hex").GetString());
        }

        // Known reference bug: cborg 6.1.5 decodes text with a default TextDecoder, which strips a
        // leading U+FEFF, so "\uFEFFa" comes back as "a". Encoding such strings agrees (checked
        // above); only JS decoding loses the character. If this starts failing, cborg was fixed
        // and the skip above can go.
        Assert.Equal("6161", decoded[ours.Length + integralFloats.Length].GetProperty("hex").GetString());

        output.WriteLine($"{values.Count} values ({ours.Sum(b => b.Length)} bytes) match @ipld/dag-cbor byte for byte, with equal CIDs;"
            + $" JS decodes and re-encodes {values.Count - bomSkipped} of them identically ({bomSkipped} skipped: text starting with U+FEFF);"
            + $" {integralFloats.Length} integral floats decode in JS.");
    }

    private static async Task<string> RunReference(byte[] input)
    {
        string root = RepoRoot.Find();
        string script = Path.Combine(root, "tests", "js", "dagcbor-reference.mjs");
        Assert.True(File.Exists(script), $"Missing {script}.");
        if (!Directory.Exists(Path.Combine(root, "tests", "js", "node_modules", "@ipld", "dag-cbor"))
            || !Directory.Exists(Path.Combine(root, "tests", "js", "node_modules", "multiformats")))
            Assert.Fail($"tests/js/node_modules is missing the JS reference libraries: {InstallHint}.");

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine("tests", "js", "dagcbor-reference.mjs"));

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("Process.Start returned null.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Could not start `node` ({e.Message}): install Node.js, then {InstallHint}.");
            throw;
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("node tests/js/dagcbor-reference.mjs did not finish within 60 s.");
            }
            string error = await stderr;
            if (process.ExitCode != 0)
                Assert.Fail($"node tests/js/dagcbor-reference.mjs exited with {process.ExitCode}: {error}\nIf a module is missing, {InstallHint}.");
            return await stdout;
        }
    }

    private static bool HasLeadingBom(IpldNode node) => node switch
    {
        IpldString s => s.Value.StartsWith('\uFEFF'),
        IpldList list => list.Items.Any(HasLeadingBom),
        IpldMap map => map.Entries.Any(e => e.Key.StartsWith('\uFEFF') || HasLeadingBom(e.Value)),
        _ => false,
    };

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
