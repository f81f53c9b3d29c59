using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Causeway.Server;
using Causeway.Server.Access;
using Causeway.Tests.Http;
using Causeway.Tests.Support;

namespace Causeway.Tests.Hosting;

/// <summary>`causeway serve` as a process: configuration from a file and CAUSEWAY__ variables under
/// its command line, and HTTPS with a certificate.</summary>
public sealed class ServeConfigurationTests
{
    [Fact]
    public async Task Serve_reads_a_config_file_and_environment_variables_and_its_command_line_wins()
    {
        using var folder = new TempFolder();
        string data = Path.Combine(folder.Path, "from-config");
        string config = Path.Combine(folder.Path, "causeway.json");
        File.WriteAllText(config, $$"""{ "Causeway": { "DataDirectory": {{System.Text.Json.JsonSerializer.Serialize(data)}}, "HealthPath": "/from-file" } }""");
        string envUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}", cliUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var environment = new Dictionary<string, string> { ["CAUSEWAY__URLS"] = envUrl, ["Causeway__HealthPath"] = "/ready", ["CAUSEWAY__PROMETHEUS"] = "true" };
        // The file names the data folder, the environment the health path (over the file's) and a
        // URL, the command line another URL (over the environment's).
        using var server = await ServerProcess.StartAsync(cliUrl, ["--config", config, "--urls", cliUrl], environment, workingDirectory: folder.Path, healthPath: "/ready");
        Assert.True(File.Exists(Path.Combine(data, StaticTokens.AdminFile)), server.Output);
        using var http = new HttpClient { BaseAddress = new Uri(cliUrl), Timeout = TimeSpan.FromSeconds(10) };
        var health = Causeway.Wire.HealthReportJson.Read(await (await http.GetAsync("/ready")).JsonAsync());
        Assert.Equal("Healthy", health.Checks.Single(c => c.Name == "store").Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/health")).StatusCode);
        Assert.Contains("causeway_", await http.GetStringAsync("/metrics"));
        using var nothing = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => nothing.GetAsync(envUrl + "/ready"));
    }

    [Fact]
    public async Task A_bad_config_file_is_a_one_line_error_with_exit_code_2()
    {
        using var folder = new TempFolder();
        string config = Path.Combine(folder.Path, "bad.json");
        File.WriteAllText(config, """{ "Causeway": { "MaxInFlightWrites": "many" } }""");
        var (exit, _, err) = await CliProcess.RunAsync(["serve", "--config", config, "--data", Path.Combine(folder.Path, "d")]);
        Assert.Equal(2, exit);
        Assert.Contains("configuration", err);
        var (missingExit, _, missingErr) = await CliProcess.RunAsync(["serve", "--config", Path.Combine(folder.Path, "absent.json")]);
        Assert.Equal(2, missingExit);
        Assert.Contains("does not exist", missingErr);
    }

    [Fact]
    public async Task Serve_speaks_HTTPS_with_a_pfx_certificate()
    {
        using var folder = new TempFolder();
        using var certificate = SelfSigned();
        string pfx = Path.Combine(folder.Path, "server.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "s3cret"));
        string url = $"https://127.0.0.1:{ServerProcess.FreePort()}";
        string data = Path.Combine(folder.Path, "data");
        using var server = await ServerProcess.StartAsync(url, ["--data", data, "--urls", url, "--cert", pfx, "--cert-password", "s3cret"], probe: Trusting(certificate));
        using var https = new HttpClient(Trusting(certificate)) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(data, StaticTokens.AdminFile)).Trim());
        Assert.Equal(HttpStatusCode.Created, (await https.PutAsync("/v1/dbs/shop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("/v1/dbs/shop")).StatusCode);
        // Nobody trusts it otherwise: the connection is TLS with that very certificate.
        using var untrusting = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(url + "/health"));
    }

    [Fact]
    public async Task A_server_built_in_process_speaks_HTTPS_with_a_PEM_certificate_and_key()
    {
        using var folder = new TempFolder();
        using var certificate = SelfSigned();
        string cert = Path.Combine(folder.Path, "server.crt"), key = Path.Combine(folder.Path, "server.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var app = await CausewayServer.BuildAsync(new ServerOptions
        {
            DataDirectory = Path.Combine(folder.Path, "data"), Urls = "https://127.0.0.1:0", CertificateFile = cert, CertificateKeyFile = key,
        });
        await app.StartAsync();
        try
        {
            using var https = new HttpClient(Trusting(certificate)) { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };
            Assert.StartsWith("https://", app.Urls.First());
            Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("/health")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task HTTPS_without_a_certificate_or_with_an_unreadable_one_is_refused_clearly()
    {
        using var folder = new TempFolder();
        var (exit, _, err) = await CliProcess.RunAsync(["serve", "--data", Path.Combine(folder.Path, "d"), "--urls", "https://127.0.0.1:1"]);
        Assert.Equal(2, exit);
        Assert.Contains("--cert", err);
        string junk = Path.Combine(folder.Path, "junk.pfx");
        File.WriteAllText(junk, "not a certificate");
        (exit, _, err) = await CliProcess.RunAsync(["serve", "--data", Path.Combine(folder.Path, "d"), "--cert", junk]);
        Assert.Equal(2, exit);
        Assert.Contains("cannot be read", err);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "d")), "a serve that cannot start leaves no data folder");
    }

    /// <summary>A self-signed certificate for 127.0.0.1, valid for an hour.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=causeway-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <summary>A handler that trusts exactly this certificate.</summary>
    private static HttpClientHandler Trusting(X509Certificate2 certificate) => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
    };
}
