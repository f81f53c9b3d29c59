using System.Globalization;

namespace Causeway.Server.Http;

/// <summary>Honours <c>Prefer: wait=N</c> (RFC 7240, seconds, at most 300): a write short of
/// bounded-counter rights waits up to N seconds for a transfer instead of answering 409
/// insufficient_rights at once. A preference it cannot read is ignored, as the RFC asks.</summary>
internal sealed class WaitPreference(RequestDelegate next)
{
    public const int MaxSeconds = 300;

    public async Task InvokeAsync(HttpContext context)
    {
        if (Seconds(context.Request.Headers["Prefer"]) is not { } seconds)
        {
            await next(context);
            return;
        }
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["Preference-Applied"] = $"wait={seconds.ToString(CultureInfo.InvariantCulture)}";
            return Task.CompletedTask;
        });
        using (Database.WaitingForRights(TimeSpan.FromSeconds(seconds))) await next(context);
    }

    internal static int? Seconds(IEnumerable<string?> headers)
    {
        foreach (var header in headers)
        {
            if (header is null) continue;
            foreach (var part in header.Split(',', ';'))
            {
                var pair = part.Trim().Split('=', 2);
                if (pair.Length == 2 && pair[0].Trim().Equals("wait", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(pair[1].Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds <= MaxSeconds)
                    return seconds;
            }
        }
        return null;
    }
}
