namespace Causeway.Server.OpenApi.Areas;

/// <summary>Stored functions (docs/api.md, Functions).</summary>
internal static class FunctionsApi
{
    public const string Tag = "functions";
    private const string Function = "/v1/dbs/{db}/functions/{name}";

    public static IEnumerable<Operation> Operations() =>
    [
        new Operation("put", Function, "putFunction", Tag)
            .Summary("Define (201) or replace (200) a stored function.")
            .JsonBody("FunctionDefinition")
            .Answers(200, "FunctionInfo", "Replaced.")
            .Answers(201, "FunctionInfo", "Defined.")
            .Problems(404, 408, 413, 415, 422, 429),
        new Operation("get", Function, "getFunction", Tag)
            .Answers(200, "FunctionInfo", "The function.")
            .Problems(404),
        new Operation("get", "/v1/dbs/{db}/functions", "listFunctions", Tag)
            .Answers(200, "FunctionList", "The functions the caller may /fn/define, by name.")
            .Problems(404),
        new Operation("delete", Function, "deleteFunction", Tag)
            .Answers(200, "WriteResult", "Deleted.")
            .Problems(404, 429),
        new Operation("post", Function + "/call", "callFunction", Tag)
            .Summary("Call a stored function: it runs as one transaction, with its own role.")
            .Values().PreferWait()
            .Header("Idempotency-Key", "1 to 256 of `A-Z a-z 0-9 _ . : @ -`: the same key, function and argument again answers the first call with `replayed: true`.")
            .AnyJsonBody("The argument, any JSON value; no body calls with null.")
            .Answers(200, "CallResult", "What the function returned, and its commit.")
            .Problems(404, 408, 409, 413, 415, 422, 429),
        new Operation("get", "/v1/dbs/{db}/function-limits", "getFunctionLimits", Tag)
            .Answers(200, "FunctionLimits", "What one call may spend on this server.")
            .Problems(404),
        new Operation("put", "/v1/dbs/{db}/function-limits", "putFunctionLimits", Tag)
            .JsonBody("FunctionLimitsBody")
            .Answers(200, "FunctionLimits", "The limits as set.")
            .Problems(404, 413, 415),
    ];
}
