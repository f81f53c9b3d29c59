using System.Text.Encodings.Web;
using System.Text.Json;

namespace Causeway.Server.Http;

internal static class Json
{
    /// <summary>Answers are JSON for programs, never embedded in HTML, so quotes and non-ASCII text stay as they are.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
