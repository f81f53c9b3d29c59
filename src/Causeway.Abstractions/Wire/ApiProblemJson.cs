using System.Text.Json;
using Causeway.Errors;

namespace Causeway.Wire;

/// <summary>An error answer (docs/api.md, Errors): the stable <see cref="Code"/> programs match, the HTTP
/// status and its title, and the <see cref="Detail"/> for people. A refused capability token also
/// says why in UCAN's terms (<see cref="UcanError"/>, a <see cref="Errors.UcanError"/> name) and which
/// token or proof failed (<see cref="Proof"/>, its CID), when known. A refusal says what it is about
/// (<see cref="Violation"/>), so a client reads the rule and fields rather than the detail's words.</summary>
public sealed record ApiProblem(string Code, int Status, string Title, string Detail, string? UcanError = null, string? Proof = null, Violation? Violation = null)
{
    public const string TypePrefix = "https://causeway.dev/errors/";

    /// <summary>The problem type: <c>https://causeway.dev/errors/CODE</c>.</summary>
    public string Type => TypePrefix + Code;

    /// <summary>The problem for <paramref name="code"/>, with its status (<see cref="ErrorCodes.HttpStatus"/> unless given) and that status's title.</summary>
    public static ApiProblem For(string code, string detail, int? status = null, string? ucanError = null, string? proof = null, Violation? violation = null)
    {
        int httpStatus = status ?? ErrorCodes.HttpStatus(code);
        return new ApiProblem(code, httpStatus, TitleOf(httpStatus), detail, ucanError, proof, violation);
    }

    /// <summary>The problem an error answers with, its UCAN reason and proof, or its violation, included.</summary>
    public static ApiProblem For(CausewayException error)
        => error is UcanException ucan ? For(error.Code, error.Message, ucanError: ucan.Error.ToString(), proof: ucan.Proof) : For(error.Code, error.Message, violation: error.Violation);

    /// <summary>The exception the engine raises for this problem (<see cref="CausewayException.FromCode"/>),
    /// a <see cref="UcanException"/> with its reason and proof when the problem names a UCAN reason.</summary>
    public CausewayException ToException(TimeSpan? retryAfter = null)
        => UcanError is not null && Enum.TryParse<UcanError>(UcanError, ignoreCase: false, out var reason) && Enum.IsDefined(reason)
            && UcanException.CodeOf(reason) == Code
            ? new UcanException(reason, Detail, Proof)
            : CausewayException.FromCode(Code, Detail, retryAfter, Violation);

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        408 => "Request timeout",
        409 => "Conflict",
        412 => "Precondition failed",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable entity",
        424 => "Failed dependency",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Error",
    };
}

/// <summary><c>application/problem+json</c>: <c>{ "type", "title", "status", "detail", "code" }</c>, and for
/// a refused capability token <c>"ucanError"</c> and <c>"proof"</c> when known, for a refused write its
/// <c>"violation"</c> (<see cref="ViolationJson"/>) (RFC 9457 extension members).</summary>
public static class ApiProblemJson
{
    public const string MediaType = "application/problem+json";

    public static void Write(Utf8JsonWriter w, ApiProblem problem)
    {
        w.WriteStartObject();
        w.WriteString("type", problem.Type);
        w.WriteString("title", problem.Title);
        w.WriteNumber("status", problem.Status);
        w.WriteString("detail", problem.Detail);
        w.WriteString("code", problem.Code);
        if (problem.UcanError is not null) w.WriteString("ucanError", problem.UcanError);
        if (problem.Proof is not null) w.WriteString("proof", problem.Proof);
        if (problem.Violation is not null)
        {
            w.WritePropertyName("violation");
            ViolationJson.Write(w, problem.Violation);
        }
        w.WriteEndObject();
    }

    public static ApiProblem Read(JsonElement json)
        => new(WireJson.String(json, "code"), WireJson.Int(json, "status"), WireJson.String(json, "title"), WireJson.String(json, "detail"),
            WireJson.NullableString(json, "ucanError"), WireJson.NullableString(json, "proof"),
            WireJson.Optional(json, "violation") is { } violation ? ViolationJson.Read(violation) : null);

    /// <summary>What can be made of an error answer that may not be Causeway's (a proxy's, say): its
    /// <c>code</c>, <c>detail</c>, <c>ucanError</c> and <c>proof</c> when they are strings, and its
    /// <c>violation</c> when it reads as one; null otherwise.</summary>
    public static (string? Code, string? Detail, string? UcanError, string? Proof, Violation? Violation) ReadLoosely(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return (null, null, null, null, null);
        static string? Text(JsonElement json, string name) => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        Violation? violation = null;
        if (json.TryGetProperty("violation", out var member) && member.ValueKind == JsonValueKind.Object)
        {
            // A violation that does not read is only a lost detail: the error itself still stands.
            try { violation = ViolationJson.Read(member); }
            catch (FormatException) { }
        }
        return (Text(json, "code"), Text(json, "detail"), Text(json, "ucanError"), Text(json, "proof"), violation);
    }
}
