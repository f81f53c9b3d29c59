using System.Net.Http.Headers;
using Causeway.Documents;
using Causeway.Wire;

namespace Causeway.Client;

public sealed partial class CausewayClient
{
    private const string CarMediaType = "application/vnd.ipld.car";

    /// <summary>Copies a database's ledger, as a CARv1 archive, to <paramref name="output"/>; answers the bytes written.</summary>
    public async Task<long> ExportAsync(string database, Stream output, CancellationToken cancellation = default)
    {
        using var response = await SendContentAsync(HttpMethod.Get, $"v1/dbs/{Names.Database(database)}/export", null, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        long before = output.CanSeek ? output.Position : 0;
        await response.Content.CopyToAsync(output, cancellation).ConfigureAwait(false);
        return output.CanSeek ? output.Position - before : response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>Sends a CARv1 archive of a database's ledger to be verified and applied there.</summary>
    public async Task<ImportResult> ImportAsync(string database, Stream archive, CancellationToken cancellation = default)
    {
        var content = new StreamContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue(CarMediaType);
        using var response = await SendContentAsync(HttpMethod.Post, $"v1/dbs/{Names.Database(database)}/import", content, HttpCompletionOption.ResponseContentRead, cancellation).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        return Read(bytes, ImportResultJson.Read, $"POST /v1/dbs/{database}/import");
    }
}
